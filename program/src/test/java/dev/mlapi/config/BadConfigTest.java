package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case in bad-config.yaml is a stack file (its config block, or the file's raw text);
 * loading it must report exactly the listed problems.
 */
class BadConfigTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path project;

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = BadConfigTest.class.getResourceAsStream("bad-config.yaml")) {
            List<Arguments> cases = new ArrayList<>();
            for (JsonNode c : YAML.readTree(in)) {
                List<String> errors = new ArrayList<>();
                c.get("errors").forEach(e -> errors.add(e.asText()));
                cases.add(Arguments.of(c.get("name").asText(), c.get("stack").asText(), c.get("config"), errors));
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryProblemOfTheStack(String name, String stack, JsonNode config, List<String> expected) throws IOException {
        if (config.isTextual()) {
            Files.writeString(StackFile.path(project, stack), config.asText());
        } else {
            ObjectNode file = YAML.createObjectNode();
            file.set("config", config);
            Files.writeString(StackFile.path(project, stack), YAML.writeValueAsString(file));
        }
        Runnable load = () -> StackConfigLoader.load(StackFile.read(project, stack).source(ciphertext -> "decrypted"));

        if (expected.isEmpty()) {
            load.run();
            return;
        }
        var error = assertThrows(InvalidConfigException.class, load::run);
        assertEquals(expected, error.problems().stream().map(ConfigProblem::toString).toList());
    }
}
