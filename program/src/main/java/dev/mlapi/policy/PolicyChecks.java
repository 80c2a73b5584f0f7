package dev.mlapi.policy;

import com.pulumi.Context;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The policy checks that need no cluster: the restricted standard on what the program declares. */
public final class PolicyChecks {
    private PolicyChecks() {}

    /** @param program the program to check, run on the stack file of {@code projectDir} under mocks */
    public static List<String> onDeclaredResources(Path projectDir, String stack, Consumer<Context> program) {
        var run = MockedDeployment.run(projectDir, stack, ciphertext -> "encrypted", program);
        if (!run.result().exceptions().isEmpty()) {
            throw new IllegalStateException("the program failed under mocks: " + run.result().exceptions());
        }
        return run.resources().stream()
                .filter(r -> r.type().startsWith("kubernetes:"))
                .flatMap(r -> RestrictedPodSecurity.violations(r.inputs()).stream())
                .toList();
    }
}
