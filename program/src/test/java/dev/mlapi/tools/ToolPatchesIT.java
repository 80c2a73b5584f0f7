package dev.mlapi.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A patch in tools/&lt;module&gt;/patches must reach the binaries built from that folder, and carry
 * the test tools/build runs to prove it. The binaries are those `./mlapi test` built before the
 * tests; their build information names the source each module was built from.
 */
class ToolPatchesIT {
    private static final Pattern RUN = Pattern.compile("-run\\s+(\\S+)");

    @Test
    void everyPatchIsInTheBinariesOfItsFolderAndNamesATestItAdds() throws Exception {
        List<Path> patches;
        try (Stream<Path> files = Files.find(Path.of("tools"), 3, (p, a) -> p.toString().endsWith(".patch"))) {
            patches = files.sorted().toList();
        }
        assertFalse(patches.isEmpty(), "no tools/*/patches/*.patch");
        for (Path patch : patches) {
            String text = Files.readString(patch);
            String module = header(text, "module", patch);
            Matcher run = RUN.matcher(header(text, "test", patch));
            assertTrue(run.find(), patch + ": its test line selects tests with -run");
            assertTrue(Pattern.compile("^\\+func " + run.group(1), Pattern.MULTILINE).matcher(text).find(),
                    patch + ": the tests its test line runs include one the patch adds");

            String folder = patch.getParent().getParent().getFileName().toString();
            List<String> binaries = Files.readAllLines(Path.of("tools/tools.txt")).stream()
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f[0].equals(folder) && f.length > 1)
                    .map(f -> f[1])
                    .toList();
            assertFalse(binaries.isEmpty(), folder + " builds no binary in tools.txt");
            String patched = "=>\\s+\\S+/" + Pattern.quote(patch.getFileName().toString().replace(".patch", "")) + "\\s";
            for (String binary : binaries) {
                String info = buildInfo(Path.of(".tools/bin", binary));
                assertTrue(Pattern.compile("dep\\s+" + Pattern.quote(module) + "\\s+\\S+\\s*\\n\\s*" + patched).matcher(info).find(),
                        binary + " is not built from " + module + " with " + patch.getFileName() + ":\n" + info);
            }
        }
    }

    private static String header(String patch, String key, Path file) {
        Matcher m = Pattern.compile("^" + key + ": (.+)$", Pattern.MULTILINE).matcher(patch);
        assertTrue(m.find(), file + " has no '" + key + ": ' line");
        return m.group(1).trim();
    }

    private static String buildInfo(Path binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("go", "version", "-m", binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "go version -m did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
