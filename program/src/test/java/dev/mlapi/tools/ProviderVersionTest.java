package dev.mlapi.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The program asks the engine for exactly the Kubernetes provider that tools/ builds and the
 * tests run, under a released version, so that a released Pulumi CLI downloads that same one.
 */
class ProviderVersionTest {
    private static final Path TOOLS = Path.of("tools/tools.txt");

    /** The version tools/build stamps into the provider binary. */
    private static String stamped() {
        return StampedVersions.of("pulumi-resource-kubernetes");
    }

    @Test
    void theProviderIsStampedWithTheReleaseWhoseCommitItIsBuiltFrom() throws IOException {
        String version = stamped();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), "a release version, which a released CLI can download: " + version);
        Matcher release = Pattern.compile("release v(\\S+) \\(([0-9a-f]{12})\\)").matcher(Files.readString(TOOLS));
        assertTrue(release.find(), "tools/tools.txt names the release the provider's pin is and its commit");
        assertEquals(version, release.group(1), "the stamp is the release the pin names");
        String goMod = Files.readString(Path.of("tools/pulumi-kubernetes/go.mod"));
        assertTrue(goMod.contains("github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-") && goMod.contains("-" + release.group(2) + "\n"),
                "the module is pinned at the release's commit " + release.group(2));
    }

    @Test
    void everyKubernetesResourceAsksForTheBuiltProvider() throws IOException {
        // Each resource of the SDK registers with this version: the engine starts that provider.
        assertEquals(stamped(), com.pulumi.kubernetes.Utilities.getVersion());
    }

    @Test
    void theJavaHostReportsTheBuiltProviderAsTheProgramsPlugin() throws Exception {
        // The host's plugin discovery runs this on the program's class path and reads its JSON.
        PrintStream out = System.out;
        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(listed, true, StandardCharsets.UTF_8));
            com.pulumi.bootstrap.internal.Main.main(new String[] {"packages"});
        } finally {
            System.setOut(out);
        }
        List<JsonNode> kubernetes = new ArrayList<>();
        new JsonMapper().readTree(listed.toString(StandardCharsets.UTF_8)).forEach(p -> {
            if (p.path("name").asText().equals("kubernetes")) {
                kubernetes.add(p);
            }
        });
        assertEquals(1, kubernetes.size(), listed.toString(StandardCharsets.UTF_8));
        assertEquals(stamped(), kubernetes.get(0).path("version").asText());
    }
}
