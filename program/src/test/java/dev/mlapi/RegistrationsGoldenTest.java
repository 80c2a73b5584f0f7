package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mlapi.ProgramUnderMocks.Registered;
import dev.mlapi.ProgramUnderMocks.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registration the program makes under mocks, and its outputs, against a recorded copy:
 * for the committed stacks, and for stack files under {@code golden/} that use every secret source
 * and optional object. A refactoring must leave them byte for byte; a change of behaviour shows
 * up here as a diff, and the recorded copy is rewritten on purpose with
 * {@code mvn test -Dtest=RegistrationsGoldenTest -Dmlapi.golden.write=true}, then reviewed.
 * Maps are written with sorted keys (the engine's property maps have no order); lists keep theirs.
 */
class RegistrationsGoldenTest {
    private static final Path GOLDEN = Path.of("program/src/test/resources/dev/mlapi/golden");
    private static final List<String> OUTPUTS = List.of("namespace", "serviceName", "url", "image", "portForwardCommand", "logsCommand");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    static Stream<String> stacks() throws IOException {
        List<String> stacks = new ArrayList<>(List.of("dev", "staging", "production"));
        try (Stream<Path> files = Files.list(GOLDEN)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.matches("Pulumi\\.[^.]+\\.yaml")).sorted()
                    .forEach(n -> stacks.add(n.substring("Pulumi.".length(), n.length() - ".yaml".length())));
        }
        return stacks.stream();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void registrationsAreAsRecorded(String stack) throws IOException {
        Path project = Files.exists(GOLDEN.resolve("Pulumi." + stack + ".yaml")) ? GOLDEN : ProgramUnderMocks.PROJECT;
        Run run = ProgramUnderMocks.run(project.toAbsolutePath(), stack);
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        String dump = dump(run);
        Path recorded = GOLDEN.resolve(stack + ".registrations.json");
        if (Boolean.getBoolean("mlapi.golden.write")) {
            Files.writeString(recorded, dump);
        }
        assertEquals(Files.readString(recorded), dump, "registrations of " + stack + " differ from " + recorded);
    }

    private static String dump(Run run) throws IOException {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Registered r : run.resources().stream().sorted(Comparator.comparing(Registered::urn)).toList()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("urn", r.urn());
            entry.put("parent", r.parent());
            entry.put("dependencies", r.dependencies().stream().sorted().toList());
            entry.put("inputs", JSON.convertValue(r.inputs(), Object.class));
            resources.add(entry);
        }
        Map<String, Object> outputs = new TreeMap<>();
        OUTPUTS.forEach(name -> outputs.put(name, run.output(name)));
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("resources", resources);
        all.put("outputs", outputs);
        return JSON.writeValueAsString(all) + "\n";
    }

}
