package dev.mlapi.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool's version is written once, in its folder's go.mod: tools.txt's stamps refer to it
 * ({@code {<module>}}), and tools/build fills them in when it builds and when asked.
 */
class PinsInOnePlaceTest {
    private static final Path TOOLS = Path.of("tools");

    /** What each folder's go.mod requires: module to version. */
    private static Map<String, String> required(String folder) throws IOException {
        Map<String, String> versions = new TreeMap<>();
        Path goMod = TOOLS.resolve(folder).resolve("go.mod");
        if (!Files.exists(goMod)) {
            return versions;
        }
        boolean block = false;
        for (String line : Files.readAllLines(goMod)) {
            String[] f = line.trim().split("\\s+");
            if (line.startsWith("require (")) {
                block = true;
            } else if (block && line.startsWith(")")) {
                block = false;
            } else if (line.startsWith("require ") && f.length >= 3) {
                versions.put(f[1], f[2]);
            } else if (block && f.length >= 2) {
                versions.put(f[0], f[1]);
            }
        }
        return versions;
    }

    @Test
    void noStampRepeatsAVersionThatGoModPins() throws IOException {
        List<String> repeated = new ArrayList<>();
        for (String line : Files.readAllLines(TOOLS.resolve("tools.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String folder = line.split("\\s+")[0];
            Map<String, String> pins = required(folder);
            Matcher stamp = Pattern.compile("-X=\\S+=(v?[0-9][^\\s{}]*)").matcher(line);
            while (stamp.find()) {
                String value = stamp.group(1);
                pins.forEach((module, version) -> {
                    if (version.equals(value) || version.equals("v" + value)) {
                        repeated.add(folder + ": " + value + " is " + module + "'s version in go.mod; write {" + module + "}");
                    }
                });
            }
        }
        assertEquals(List.of(), repeated);
    }

    @Test
    void toolsBuildReportsTheVersionsGoModPins() throws IOException {
        assertEquals(required("pulumi").get("github.com/pulumi/pulumi/pkg/v3"), "v" + StampedVersions.of("pulumi"));
        assertEquals(required("pulumi-java").get("github.com/pulumi/pulumi-java/pkg"), "v" + StampedVersions.of("pulumi-language-java"));
        assertEquals(required("kubernetes").get("k8s.io/kubernetes"), "v" + StampedVersions.of("kubelet"));
        assertEquals(required("pulumi-yaml").get("github.com/pulumi/pulumi-yaml"), "v" + StampedVersions.of("pulumi-language-yaml"));
    }

    /** A scratch tools folder: tools/build and a tools.txt with one line, over a go.mod of this content. */
    private static Path scratch(Path dir, String toolsLine, String goMod) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("tools/demo")).getParent();
        Files.copy(TOOLS.resolve("build"), tools.resolve("build"));
        tools.resolve("build").toFile().setExecutable(true);
        Files.writeString(tools.resolve("tools.txt"), toolsLine + "\n");
        Files.writeString(tools.resolve("demo/go.mod"), goMod);
        return tools;
    }

    private static String[] run(Path tools, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tools.resolve("build").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void aStampTakesTheRequiredVersionAndItsParts(@TempDir Path dir) throws Exception {
        Path tools = scratch(dir, "demo demo example.com/demo/cmd -X=v.gitVersion={example.com/demo} -X=v.major={example.com/demo:major} -X=v.minor={example.com/demo:minor}",
                "module x\n\ngo 1.22\n\nrequire (\n\texample.com/other v0.1.0\n\texample.com/demo v1.32.9\n)\n\nreplace example.com/demo => example.com/fork v9.9.9\n");
        assertEquals("0 1.32.9", String.join(" ", run(tools, "--version", "demo")));
    }

    @Test
    void aStampOfAModuleGoModDoesNotRequireIsRefused(@TempDir Path dir) throws Exception {
        Path tools = scratch(dir, "demo demo example.com/demo/cmd -X=v.Version={example.com/elsewhere}", "module x\n\nrequire example.com/demo v1.0.0\n");
        String[] result = run(tools, "--version", "demo");
        assertTrue(!result[0].equals("0") && result[1].contains("tools.txt stamps {example.com/elsewhere}, which demo/go.mod does not require"), String.join(" ", result));
    }
}
