package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.ProgramUnderMocks.Run;
import dev.mlapi.components.inputs.ImageArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The defaults have one source: a program that gives MlApi only a name, an environment and an
 * image, completed by MlApiDefaults as the package's provider completes a Python or YAML
 * program's args, registers what the stack-file program registers for a stack file that states
 * the same three keys. (The connection test's Job is named by the stack's whole config there.)
 */
class SameDefaultsTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path project;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void aFewArgsWithTheDefaultsMakeWhatTheStackFileProgramMakes(String stack) throws IOException {
        Files.writeString(project.resolve("Pulumi." + stack + ".yaml"),
                "config:\n  mlapi:name: fraud-api\n  mlapi:image: {repository: ghcr.io/acme/fraud-api, digest: \"" + DIGEST + "\"}\n");
        Run program = ProgramUnderMocks.run(project, stack);
        MlApiArgs few = MlApiArgs.builder().environment(stack)
                .image(ImageArgs.builder().reference("ghcr.io/acme/fraud-api@" + DIGEST).build()).build();
        Run component = ProgramUnderMocks.run(project, stack, ctx -> new MlApi("fraud-api", MlApiDefaults.apply(few), null));

        assertTrue(program.result().exceptions().isEmpty() && component.result().exceptions().isEmpty(),
                () -> program.result().exceptions() + " " + component.result().exceptions());
        assertTrue(objects(program).size() >= 6, "the whole API: " + program.types());
        assertEquals(objects(program), objects(component));
    }

    private static List<String> objects(Run run) {
        return run.resources().stream().filter(r -> r.type().startsWith("kubernetes:"))
                .map(r -> r.type() + " " + r.name().replaceFirst("-test-[0-9a-f]{8}$", "-test") + " "
                        + r.inputs().toString().replaceAll("fraud-api-test-[0-9a-f]{8}", "fraud-api-test"))
                .sorted().toList();
    }
}
