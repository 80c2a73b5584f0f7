package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlapi.cli.DeliveryCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production gate of deploy-stack.yml: {@code ./mlapi check-promotion staging production}
 * reads the image staging runs from staging's state and hands it to this command, which fails
 * unless Pulumi.production.yaml, as committed at the commit being deployed, names that image.
 */
class PromotionGateTest {
    private static final String REPOSITORY = "ghcr.io/acme/sentiment-api";

    @TempDir
    Path project;

    private record Result(int status, String err) {}

    private Result gate(String stagingRuns) throws IOException {
        for (String stack : List.of("dev", "staging", "production")) {
            Path copy = project.resolve("Pulumi." + stack + ".yaml");
            if (!Files.exists(copy)) {
                Files.copy(Path.of("Pulumi." + stack + ".yaml"), copy);
            }
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int status = DeliveryCommand.run(List.of("check-promotion", "staging", "production", stagingRuns), project);
            return new Result(status, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void passesWhenProductionNamesTheDigestStagingRuns() throws IOException {
        String production = Promotion.configuredImage(Path.of(""), "production");
        assertTrue(production.startsWith(REPOSITORY + "@sha256:"), production);
        assertEquals(new Result(0, ""), gate(production));
    }

    @Test
    void failsWhenStagingRunsAnotherDigest() throws IOException {
        String other = REPOSITORY + "@sha256:" + "0".repeat(64);
        Result result = gate(other);
        assertEquals(1, result.status());
        assertTrue(result.err().contains("production would deploy " + Promotion.configuredImage(Path.of(""), "production")
                + ", but staging ran " + other), result.err());
        assertTrue(result.err().contains("./mlapi promote staging production"), result.err());
    }

    @Test
    void failsWhenProductionFollowsATagInsteadOfTheDigest() throws IOException {
        String stagingRuns = Promotion.configuredImage(Path.of(""), "production");
        gate(stagingRuns);
        Path production = project.resolve("Pulumi.production.yaml");
        Files.writeString(production, Files.readString(production).replaceAll("    digest: sha256:[0-9a-f]+", "    tag: \"1.4.2\""));
        Result result = gate(stagingRuns);
        assertEquals(1, result.status());
        assertTrue(result.err().contains("production would deploy " + REPOSITORY + ":1.4.2"), result.err());
    }

    @Test
    void failsWhenStagingsStateNamedNoImage() throws IOException {
        assertEquals(1, gate("").status(), "an empty answer from staging's state is no match");
    }
}
