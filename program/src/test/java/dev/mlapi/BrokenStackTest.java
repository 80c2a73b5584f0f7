package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlapi.ProgramUnderMocks.Run;
import dev.mlapi.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stack file with several mistakes fails the whole program once, with all of them, before any resource. */
class BrokenStackTest {
    @TempDir
    Path project;

    @Test
    void reportsAllProblemsAndRegistersNothing() throws IOException {
        Files.writeString(project.resolve("Pulumi.staging.yaml"), """
                config:
                  mlapi:name: sentiment-api
                  mlapi:image:
                    repository: ghcr.io/acme/sentiment-api
                    tag: latest
                  mlapi:replicas: -2
                  mlapi:resources:
                    requests: {cpu: 2, memory: 4Gi}
                    limits: {cpu: 1, memory: lots}
                  mlapi:autoscalling:
                    enabled: true
                """);

        Run run = ProgramUnderMocks.run(project, "staging");

        assertNotEquals(0, run.result().exitCode());
        InvalidConfigException error = run.result().exceptions().stream()
                .flatMap(e -> e.getCause() instanceof InvalidConfigException ice ? java.util.stream.Stream.of(ice)
                        : e instanceof InvalidConfigException ice ? java.util.stream.Stream.of(ice) : java.util.stream.Stream.empty())
                .findFirst().orElseThrow(() -> new AssertionError("no config error in " + run.result().exceptions()));
        assertEquals(List.of(
                "[staging] mlapi:autoscalling: is not a known setting; did you mean 'autoscaling'? (for example: mlapi:autoscaling.enabled: false)",
                "[staging] mlapi:image.tag: 'latest' can point at a different image tomorrow; staging needs a digest or an immutable version tag"
                        + " (for example: mlapi:image.digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef or mlapi:image.tag: \"1.4.2\")",
                "[staging] mlapi:replicas: must not be negative (for example: mlapi:replicas: 2)",
                "[staging] mlapi:resources.limits.memory: 'lots' is not a Kubernetes quantity (for example: mlapi:resources.limits.memory: 2Gi)",
                "[staging] mlapi:resources.limits.cpu: is below the request; a limit must be at least the request (for example: mlapi:resources.limits.cpu: 2)"),
                error.problems().stream().map(Object::toString).toList());
        assertTrue(run.resources().stream().noneMatch(r -> r.type().startsWith("kubernetes:") || r.type().startsWith("mlapi:")),
                () -> "registered " + run.types());
    }
}
