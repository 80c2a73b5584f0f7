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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/build builds the folders it needs side by side, keeps what built when another fails, and
 * builds only what is missing the next time. Scratch Go modules without dependencies stand in for
 * the pinned tools, so nothing is downloaded.
 */
class ToolBuildTest {
    private static final String TOOLS_TXT = "alpha alpha .\nbeta beta .\ngamma gamma .\n";

    /** A module whose binary prints its name; its prepare step waits (bounded) for a partner's mark. */
    private static void module(Path tools, String name, String partner, String mainBody) throws IOException {
        Path dir = Files.createDirectories(tools.resolve(name));
        Files.writeString(dir.resolve("go.mod"), "module example.com/" + name + "\n\ngo 1.21\n");
        Files.writeString(dir.resolve("main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() {\n" + mainBody + "\n}\n");
        if (partner != null) {
            // Passes only when the partner's build runs at the same time: each marks, then waits for the other.
            Path marks = tools.getParent().resolve("marks");
            Files.writeString(dir.resolve("prepare"), "#!/usr/bin/env bash\nset -eu\nmkdir -p " + marks + "\ntouch " + marks + "/" + name + "\n"
                    + "for _ in $(seq 100); do [[ -e " + marks + "/" + partner + " ]] && exit 0; sleep 0.1; done\n"
                    + "echo '" + name + " built alone: " + partner + " never started beside it'; exit 1\n");
            dir.resolve("prepare").toFile().setExecutable(true);
        }
    }

    private static Path project(Path dir, boolean gammaCompiles) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("project/tools"));
        Files.copy(Path.of("tools/build"), tools.resolve("build"));
        tools.resolve("build").toFile().setExecutable(true);
        Files.writeString(tools.resolve("tools.txt"), TOOLS_TXT);
        module(tools, "alpha", "beta", "fmt.Println(\"alpha\")");
        module(tools, "beta", "alpha", "fmt.Println(\"beta\")");
        module(tools, "gamma", null, gammaCompiles ? "fmt.Println(\"gamma\")" : "fmt.Println(undefinedName)");
        return tools.getParent();
    }

    private static String[] run(Path project, Path cache, String jobs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(project.resolve("tools/build").toString()).redirectErrorStream(true);
        pb.environment().put("MLAPI_TOOLS_CACHE", cache.toString());
        pb.environment().put("MLAPI_TOOLS_JOBS", jobs);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    private static String runBinary(Path project, String name) throws Exception {
        Process p = new ProcessBuilder(project.resolve(".tools/bin/" + name).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void foldersBuildSideBySideAndAFailureKeepsTheOthersAndShowsItsLog(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path project = project(dir, false);

        String[] first = run(project, cache, "2");
        assertEquals("1", first[0], first[1]);
        // The compiler's own words, from the failed job's log.
        assertTrue(first[1].contains("tools: building gamma (gamma) failed") && first[1].contains("undefined: undefinedName"), first[1]);
        assertTrue(first[1].contains("tools: built alpha (alpha)") && first[1].contains("tools: built beta (beta)"), first[1]);
        assertEquals("alpha", runBinary(project, "alpha"));
        assertEquals("beta", runBinary(project, "beta"));
        assertFalse(Files.exists(project.resolve(".tools/bin/gamma")), "a failed build links nothing");

        // Fixed: only gamma builds; alpha and beta come from the cache.
        Files.writeString(project.resolve("tools/gamma/main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() {\nfmt.Println(\"gamma\")\n}\n");
        String[] second = run(project, cache, "2");
        assertEquals("0", second[0], second[1]);
        assertEquals(List.of("tools: building gamma (gamma) ..."), second[1].lines().filter(l -> l.contains("building")).toList(), second[1]);
        assertEquals("gamma", runBinary(project, "gamma"));
    }

    @Test
    void oneJobAtATimeBuildsTheFoldersInTurn(@TempDir Path dir) throws Exception {
        Path project = project(dir, true);
        // alpha and beta each wait for the other, so one job at a time fails the first of them: the
        // parallel test above passes only because its builds overlap.
        String[] result = run(project, dir.resolve("cache"), "1");
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("alpha built alone: beta never started beside it"), result[1]);
    }
}
