package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion on temporary copies of the committed stack files. */
class PromotionTest {
    private static final String DIGEST = "sha256:" + "ab12".repeat(16);
    private static final String IMAGE = "ghcr.io/acme/sentiment-api@" + DIGEST;

    @TempDir
    Path project;

    @BeforeEach
    void copyStackFiles() throws IOException {
        for (String stack : new String[] {"dev", "staging", "production"}) {
            Files.copy(Path.of("Pulumi." + stack + ".yaml"), project.resolve("Pulumi." + stack + ".yaml"));
        }
    }

    @Test
    void promotingIntoATaggedStackReplacesTheTagWithTheDigestAndKeepsTheRest() throws IOException {
        Path staging = project.resolve("Pulumi.staging.yaml");
        Files.writeString(staging, Files.readString(staging).replaceAll("    digest: .*\n", "    tag: \"1.4.2\" # the release\n"));
        String before = Files.readString(staging);

        Promotion.promote(project, "dev", IMAGE, "staging");

        String after = Files.readString(project.resolve("Pulumi.staging.yaml"));
        assertEquals(IMAGE, Promotion.configuredImage(project, "staging"));
        assertEquals(before.replace("    tag: \"1.4.2\" # the release\n", "    digest: " + DIGEST + "\n"), after,
                "only the image line changes; comments and everything else stay");
        Promotion.check(project, "dev", IMAGE, "staging");
    }

    @Test
    void promotingIntoADigestStackReplacesTheDigest() throws IOException {
        Promotion.promote(project, "staging", IMAGE, "production");
        assertEquals(IMAGE, Promotion.configuredImage(project, "production"));
        assertTrue(Files.readString(project.resolve("Pulumi.production.yaml"))
                .startsWith("# production: autoscaled GPU replicas"), "the file's comments stay");
    }

    @Test
    void onlyADigestCanBePromoted() {
        var error = assertThrows(Promotion.PromotionException.class,
                () -> Promotion.promote(project, "dev", "ghcr.io/acme/sentiment-api:main", "staging"));
        assertTrue(error.getMessage().contains("not pinned by digest"), error.getMessage());
    }

    @Test
    void anImageFromAnotherRepositoryIsRefused() {
        var error = assertThrows(Promotion.PromotionException.class,
                () -> Promotion.promote(project, "staging", "docker.io/someone/else@" + DIGEST, "production"));
        assertTrue(error.getMessage().contains("copy the image to that repository"), error.getMessage());
    }

    @Test
    void checkFailsWhenTheNextStackWouldRunSomethingElse() {
        var error = assertThrows(Promotion.PromotionException.class, () -> Promotion.check(project, "staging", IMAGE, "production"));
        assertTrue(error.getMessage().contains("./mlapi promote staging production"), error.getMessage());
    }

    @Test
    void aOneLineImageBlockIsLeftAlone() throws IOException {
        Path file = project.resolve("Pulumi.staging.yaml");
        Files.writeString(file, """
                config:
                  mlapi:name: sentiment-api
                  mlapi:image: {repository: ghcr.io/acme/sentiment-api, tag: "1.4.2"}
                """);
        assertThrows(Promotion.PromotionException.class, () -> Promotion.promote(project, "dev", IMAGE, "staging"));
        assertTrue(Files.readString(file).contains("tag: \"1.4.2\""));
    }
}
