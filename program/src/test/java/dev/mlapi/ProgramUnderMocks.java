package dev.mlapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.pulumi.Context;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestResult;
import dev.mlapi.policy.MockedDeployment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The real program on a real stack file under the SDK's in-process mocks (see
 * {@link MockedDeployment}), with lookups for assertions. Encrypted values in the stack file
 * are replaced by {@link #testSecret}.
 */
public final class ProgramUnderMocks {
    public static final Path PROJECT = Path.of("").toAbsolutePath();

    private ProgramUnderMocks() {}

    /** What the engine would have received for one resource. */
    public record Registered(String type, String name, String urn, String parent, List<String> dependencies, JsonNode inputs) {
        public String at(String pointer) {
            return inputs.at(pointer).asText();
        }
    }

    public record Run(TestResult result, List<Registered> resources) {
        public List<Registered> ofType(String type) {
            return resources.stream().filter(r -> r.type().equals(type)).toList();
        }

        public Registered one(String type) {
            List<Registered> found = ofType(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type + ", found " + found.size() + " in " + types());
            }
            return found.get(0);
        }

        public List<String> types() {
            return resources.stream().map(Registered::type).sorted().toList();
        }

        public Object output(String name) {
            return PulumiTest.extractValue(result.output(name));
        }
    }

    public static String testSecret(String ciphertext) {
        return "test-secret-" + Integer.toHexString(ciphertext.hashCode());
    }

    public static Run run(String stack) {
        return run(PROJECT, stack);
    }

    public static Run run(Path projectDir, String stack) {
        return run(projectDir, stack, App.program(projectDir));
    }

    /** Any program against a stack file of {@code projectDir}. */
    public static Run run(Path projectDir, String stack, Consumer<Context> program) {
        MockedDeployment.Result result = MockedDeployment.run(projectDir, stack, ProgramUnderMocks::testSecret, program);
        return new Run(result.result(), result.resources().stream()
                .map(d -> new Registered(d.type(), d.name(), d.urn(), d.parent(), d.dependencies(), d.inputs())).toList());
    }
}
