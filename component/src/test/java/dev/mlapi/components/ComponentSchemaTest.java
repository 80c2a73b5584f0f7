package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.pulumi.core.annotations.Import;
import com.pulumi.provider.internal.ComponentProvider;
import com.pulumi.provider.internal.Metadata;
import com.pulumi.provider.internal.models.GetSchemaRequest;
import com.pulumi.resources.ResourceArgs;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The component package's schema, as the SDK's component provider (what ComponentProviderHost
 * serves to {@code pulumi package add}) infers it from this package: MlApi is its one resource,
 * every args field is an input under its {@code @Import} name with its requiredness, every group
 * is an object type, the values other resources may give are not plain, and no field has a type
 * the provider cannot infer (it throws on maps with non-string values, Long fields, enums, records).
 */
class ComponentSchemaTest {
    private static final JsonMapper JSON = new JsonMapper();
    private static final String TYPES = "#/types/mlapi:index:";

    private static JsonNode schema() throws Exception {
        var provider = new ComponentProvider(new Metadata("mlapi"), MlApi.class.getPackage());
        return JSON.readTree(provider.getSchema(new GetSchemaRequest(0, null, null)).get().getSchema());
    }

    @Test
    void mlApiIsTheOneResourceAndTakesEveryArgsField() throws Exception {
        JsonNode schema = schema();
        assertEquals(List.of("mlapi:index:MlApi"), names(schema.get("resources")));
        JsonNode api = schema.at("/resources/mlapi:index:MlApi");
        assertTrue(api.get("isComponent").asBoolean());
        assertEquals(imports(MlApiArgs.class, false), new TreeSet<>(names(api.get("inputProperties"))));
        assertEquals(imports(MlApiArgs.class, true), new TreeSet<>(names(api.get("requiredInputs"))));
        assertEquals(Set.of("namespace", "serviceName", "url", "image", "portForwardCommand", "logsCommand"),
                new TreeSet<>(names(api.get("properties"))));
    }

    @Test
    void everyGroupIsAnObjectTypeWithItsFields() throws Exception {
        JsonNode types = schema().get("types");
        List<String> expected = new ArrayList<>();
        for (Class<?> args : argsClasses()) {
            String name = "mlapi:index:" + args.getSimpleName().replaceFirst("Args$", "");
            expected.add(name);
            JsonNode type = types.get(name);
            assertEquals("object", type.get("type").asText(), name);
            assertEquals(imports(args, false), new TreeSet<>(names(type.get("properties"))), name);
            assertEquals(imports(args, true), new TreeSet<>(names(type.path("required"))), name);
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(names(types)));
    }

    @Test
    void valuesFromOtherResourcesAreInputsNotPlainValues() throws Exception {
        JsonNode schema = schema();
        JsonNode api = schema.at("/resources/mlapi:index:MlApi/inputProperties");
        assertEquals(TYPES + "Image", api.at("/image/$ref").asText());
        assertEquals(TYPES + "NamedValue", api.at("/env/items/$ref").asText());
        assertEquals(TYPES + "Secret", api.at("/secrets/items/$ref").asText());
        for (String pointer : List.of("/Image/properties/reference", "/NamedValue/properties/value", "/Secret/properties/value",
                "/AwsSecret/properties/initialValue", "/ExternalSecrets/properties/roleArn")) {
            JsonNode property = schema.get("types").at(pointer.replaceFirst("^/([A-Za-z]+)", "/mlapi:index:$1"));
            assertEquals("string", property.get("type").asText(), pointer);
            assertFalse(property.path("plain").asBoolean(false), pointer + " must take an output");
        }
        assertTrue(schema.at("/types/mlapi:index:Image/properties/pullPolicy/plain").asBoolean(), "a plain field stays plain");
        assertFalse(schema.toString().contains("additionalProperties"), "no map field: the provider cannot infer them for every language");
    }

    /** The classes of the args' groups: every args class of the inputs package. */
    private static List<Class<?>> argsClasses() throws Exception {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/mlapi/components/inputs"))) {
            for (String file : files.map(f -> f.getFileName().toString()).sorted().toList()) {
                Class<?> type = Class.forName("dev.mlapi.components.inputs." + file.replaceFirst("\\.java$", ""));
                if (ResourceArgs.class.isAssignableFrom(type)) {
                    classes.add(type);
                }
            }
        }
        return classes;
    }

    private static Set<String> imports(Class<?> args, boolean requiredOnly) {
        Set<String> names = new TreeSet<>();
        for (Field field : args.getDeclaredFields()) {
            Import annotation = field.getAnnotation(Import.class);
            assertFalse(Modifier.isStatic(field.getModifiers()), args.getSimpleName() + "." + field.getName() + ": the provider reads static fields as inputs too");
            assertTrue(annotation != null, args.getSimpleName() + "." + field.getName() + " has no @Import");
            if (!requiredOnly || annotation.required()) {
                names.add(annotation.name());
            }
        }
        return names;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asText()));
        } else {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
