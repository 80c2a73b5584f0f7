package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.ProgramUnderMocks.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the stack file means reaches the component's args unchanged. */
class StackArgsTest {
    private static final String DIGEST = "sha256:" + "84971b7ece48".repeat(5) + "0123";

    @TempDir
    Path project;

    /**
     * ./mlapi up dev pins the digest of the tag dev follows (tag and digest both set): the pods run
     * the digest, and their version label still names the tag.
     */
    @Test
    void aDigestPinnedFromATagRunsTheDigestAndIsLabelledWithTheTag() throws IOException {
        Files.copy(ProgramUnderMocks.PROJECT.resolve("Pulumi.yaml"), project.resolve("Pulumi.yaml"));
        String dev = Files.readString(ProgramUnderMocks.PROJECT.resolve("Pulumi.dev.yaml"));
        String tag = "    tag: main";
        assertTrue(dev.contains(tag + " "), "the committed dev stack follows the tag main");
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace(tag + " ", "    digest: " + DIGEST + "\n" + tag + " "));

        Run run = ProgramUnderMocks.run(project, "dev");
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        var deployment = run.one("kubernetes:apps/v1:Deployment");
        assertEquals("registry.mlapi.local/mlapi/reference-api@" + DIGEST, deployment.at("/spec/template/spec/containers/0/image"));
        assertEquals("main", deployment.at("/spec/template/metadata/labels/app.kubernetes.io~1version"));
        assertEquals("main", deployment.at("/metadata/labels/app.kubernetes.io~1version"));
    }
}
