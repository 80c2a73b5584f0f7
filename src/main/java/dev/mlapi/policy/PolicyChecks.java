package dev.mlapi.policy;

import dev.mlapi.App;
import java.nio.file.Path;
import java.util.List;

/** The policy checks that need no cluster: the restricted standard on what the program declares. */
public final class PolicyChecks {
    private PolicyChecks() {}

    public static List<String> onDeclaredResources(Path projectDir, String stack) {
        var run = MockedDeployment.run(projectDir, stack, ciphertext -> "encrypted", App.program(projectDir));
        if (!run.result().exceptions().isEmpty()) {
            throw new IllegalStateException("the program failed under mocks: " + run.result().exceptions());
        }
        return run.resources().stream()
                .filter(r -> r.type().startsWith("kubernetes:"))
                .flatMap(r -> RestrictedPodSecurity.violations(r.inputs()).stream())
                .toList();
    }
}
