package dev.mlapi.tools;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The language hosts and the Python SDK speak to the pinned CLI, so none is newer than it. (That a
 * binary reports the version it was built from is PinsInOnePlaceTest's: tools/build stamps it.)
 */
class ToolPinsTest {
    private static final Path TOOLS = Path.of("tools");

    private record Tool(String dir, String binary) {}

    private static List<Tool> tools() throws IOException {
        List<Tool> tools = new ArrayList<>();
        for (String line : Files.readAllLines(TOOLS.resolve("tools.txt"))) {
            String[] fields = line.trim().split("\\s+");
            if (!line.isBlank() && !line.startsWith("#")) {
                tools.add(new Tool(fields[0], fields[1]));
            }
        }
        return tools;
    }

    private static Optional<String> goRequirement(String dir, String module) throws IOException {
        Matcher line = Pattern.compile("^\\s*(?:require\\s+)?" + Pattern.quote(module) + "\\s+(\\S+)", Pattern.MULTILINE)
                .matcher(Files.readString(TOOLS.resolve(dir).resolve("go.mod")));
        return line.find() ? Optional.of(line.group(1)) : Optional.empty();
    }

    private static String cliVersion() throws IOException {
        return goRequirement("pulumi", "github.com/pulumi/pulumi/pkg/v3").orElseThrow();
    }

    @Test
    void theLanguageHostsAndThePythonSdkAreNoNewerThanTheCli() throws IOException {
        String cli = cliVersion();
        List<String> hosts = tools().stream().filter(t -> t.binary().startsWith("pulumi-language-")).map(Tool::dir).toList();
        assertTrue(hosts.size() >= 2, "the Java and YAML hosts: " + hosts);
        for (String host : hosts) {
            String sdk = goRequirement(host, "github.com/pulumi/pulumi/sdk/v3").orElseThrow();
            assertTrue(compare(sdk, cli) <= 0, "tools/" + host + " builds against Pulumi " + sdk + ", newer than the CLI " + cli);
        }
        Path requirements = TOOLS.resolve("pulumi-python/requirements.txt");
        String python = Files.readAllLines(requirements).stream().filter(l -> l.startsWith("pulumi=="))
                .map(l -> l.substring("pulumi==".length()).trim()).findFirst().orElseThrow(() -> new AssertionError(requirements + " pins no pulumi"));
        assertTrue(compare(python, cli) <= 0, requirements + " pins the Python SDK " + python + ", newer than the CLI " + cli);
        assertFalse(Files.readAllLines(requirements).stream().anyMatch(l -> !l.isBlank() && !l.startsWith("#") && !l.contains("==")),
                requirements + ": every package at an exact version");
    }

    private static String strip(String version) {
        return version.startsWith("v") ? version.substring(1) : version;
    }

    private static int compare(String a, String b) {
        String[] x = strip(a).split("[.-]");
        String[] y = strip(b).split("[.-]");
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
