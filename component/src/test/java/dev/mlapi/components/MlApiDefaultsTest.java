package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import dev.mlapi.components.inputs.ImageArgs;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The defaults a Python or YAML program's MlApi takes (MlApiDefaults): every key of defaults.yaml
 * is an args field, the package's schema requires exactly what the component needs and has no
 * default for, and args left nearly empty come out complete with the file's values; a group given
 * is completed, an optional value left out of it stays out, and the given args are not changed.
 */
class MlApiDefaultsTest {
    private static final JsonNode FILE = MlApiDefaults.file();
    private static final List<String> SECTIONS = List.of("all", "dev", "staging", "production");

    private static MlApiArgs.Builder minimal(String environment) {
        return MlApiArgs.builder().environment(environment).image(ImageArgs.builder().reference("ghcr.io/acme/fraud-api:2.1.0").build());
    }

    @Test
    void everyDefaultIsAnArgsField() {
        List<String> unknown = new ArrayList<>();
        SECTIONS.forEach(section -> unknownKeys(section + ".", FILE.get(section), MlApiArgs.class, unknown));
        assertEquals(List.of(), unknown);
    }

    @Test
    void theSchemaRequiresWhatTheComponentNeedsAndHasNoDefaultFor() {
        List<String> wrong = new ArrayList<>();
        requiredness("", MlApiArgs.class, true, wrong);
        assertEquals(List.of(), wrong);
    }

    @Test
    void nearlyEmptyArgsTakeTheirEnvironmentsDefaults() {
        MlApiArgs args = MlApiDefaults.apply(minimal("production").build());
        assertEquals(FILE.at("/production/replicas").intValue(), args.replicas());
        assertEquals(FILE.at("/all/port").intValue(), args.port());
        assertEquals(FILE.at("/all/probes/periodSeconds").intValue(), args.probes().periodSeconds());
        assertEquals(FILE.at("/all/probes/readinessPath").asText(), args.probes().readinessPath());
        assertEquals(FILE.at("/all/shutdown/gracePeriodSeconds").intValue(), args.shutdown().gracePeriodSeconds());
        assertEquals(FILE.at("/all/securityContext/runAsUser").intValue(), args.securityContext().runAsUser());
        assertEquals(FILE.at("/all/image/pullPolicy").asText(), args.image().pullPolicy());
        assertEquals(Optional.of(FILE.at("/production/resources/limits/memory").asText()), args.resources().limits().orElseThrow().memory());
        assertEquals(Optional.of(FILE.at("/all/resources/requests/ephemeralStorage").asText()), args.resources().requests().orElseThrow().ephemeralStorage(),
                "all's value in a group the environment's section also sets");
        assertEquals(args.resources().limits().orElseThrow().memory(), args.resources().requests().orElseThrow().memory(),
                "production reserves its memory limit whole");
        assertEquals(FILE.at("/production/autoscaling/minReplicas").intValue(), args.autoscaling().orElseThrow().minReplicas());
        assertEquals(Optional.of(FILE.at("/all/autoscaling/targetCpuUtilization").intValue()), args.autoscaling().orElseThrow().targetCpuUtilization());
        assertTrue(args.networkPolicy().orElseThrow().enabled());
        assertEquals(FILE.at("/all/connectionTest/image").asText(), args.connectionTest().orElseThrow().image());
        assertEquals(List.of("nvidia.com/gpu.present=true"),
                args.scheduling().orElseThrow().gpuNodeSelector().stream().map(l -> l.name() + "=" + l.value()).toList(), "a map becomes name/value args");
        assertEquals(FILE.at("/dev/replicas").intValue(), MlApiDefaults.apply(minimal("dev").build()).replicas(), "each environment its own");
    }

    @Test
    void aGroupGivenIsCompletedButAnOptionalValueLeftOutStaysOut() {
        MlApiArgs given = minimal("dev").probes(ProbesArgs.builder().periodSeconds(5).build())
                .resources(ResourcesArgs.builder().limits(QuantitiesArgs.builder().memory("2Gi").build()).build())
                .podLabels(LabelArgs.builder().name("team").value("ml").build()).build();
        MlApiArgs args = MlApiDefaults.apply(given);
        assertEquals(5, args.probes().periodSeconds(), "what is given wins");
        assertEquals(FILE.at("/all/probes/livenessPath").asText(), args.probes().livenessPath(), "what the component needs is completed");
        assertEquals(Optional.empty(), args.resources().limits().orElseThrow().cpu(), "a limit left out of the limits given is no limit");
        assertEquals(Optional.of(FILE.at("/dev/resources/requests/cpu").asText()), args.resources().requests().orElseThrow().cpu(), "a group left out is the default's");
        assertEquals(List.of("team"), args.podLabels().stream().map(LabelArgs::name).toList());
        assertNull(given.replicas(), "the given args are not changed");
        assertNull(given.probes().livenessPath(), "nor their groups");
    }

    /** Keys of a defaults section that name no args field, by path. */
    private static void unknownKeys(String at, JsonNode node, Class<?> args, List<String> unknown) {
        node.fieldNames().forEachRemaining(key -> {
            Optional<Field> field = importField(args, key);
            if (field.isEmpty()) {
                unknown.add(at + key);
            } else if (ResourceArgs.class.isAssignableFrom(field.get().getType())) {
                unknownKeys(at + key + ".", node.get(key), field.get().getType(), unknown);
            }
        });
    }

    private static void requiredness(String at, Class<?> args, boolean defaultsReach, List<String> wrong) {
        for (Field field : args.getDeclaredFields()) {
            String name = field.getAnnotation(Import.class).name();
            boolean required = field.getAnnotation(Import.class).required();
            boolean hasDefault = defaultsReach && SECTIONS.stream().anyMatch(s -> !FILE.at("/" + s + "/" + (at + name).replace('.', '/')).isMissingNode());
            boolean everywhere = defaultsReach && (!FILE.at("/all/" + (at + name).replace('.', '/')).isMissingNode()
                    || SECTIONS.subList(1, 4).stream().allMatch(s -> !FILE.at("/" + s + "/" + (at + name).replace('.', '/')).isMissingNode()));
            Class<?> group = field.getType() == List.class
                    ? (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0] : field.getType();
            // A group may be required for a value it holds that has no default (image: its reference).
            if (required && hasDefault && !ResourceArgs.class.isAssignableFrom(group)) {
                wrong.add(at + name + " is required but has a default");
            } else if (!required && MlApiDefaults.needed(field) && !everywhere) {
                wrong.add(at + name + " is needed, optional in the schema, and has no default in every environment");
            }
            if (ResourceArgs.class.isAssignableFrom(group)) {
                // A list's items have no defaults.
                requiredness(at + name + ".", group, defaultsReach && field.getType() != List.class, wrong);
            }
        }
    }

    private static Optional<Field> importField(Class<?> args, String name) {
        return List.of(args.getDeclaredFields()).stream().filter(f -> f.getAnnotation(Import.class) != null)
                .filter(f -> f.getAnnotation(Import.class).name().equals(name)).findFirst();
    }
}
