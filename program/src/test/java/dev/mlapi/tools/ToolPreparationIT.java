package dev.mlapi.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold path of tools/build: every tool's preparation step, run as on a machine that has
 * never built anything (an empty Go module cache), must produce what its build embeds. A warm
 * cache hides a step that only reads modules already downloaded; this runs in seconds, unlike a
 * whole cold build.
 */
class ToolPreparationIT {
    private static final Pattern EMBED = Pattern.compile("^//go:embed\\s+(\\S+)", Pattern.MULTILINE);

    @Test
    void everyPreparationWorksWithAnEmptyModuleCache(@TempDir Path temp) throws Exception {
        Path tools = copyTools(temp.resolve("tools"));
        List<Path> prepares;
        try (Stream<Path> dirs = Files.list(tools)) {
            prepares = dirs.map(d -> d.resolve("prepare")).filter(Files::isExecutable).sorted().toList();
        }
        assertFalse(prepares.isEmpty(), "no tools/*/prepare found");
        for (Path prepare : prepares) {
            Path modules = Files.createDirectories(temp.resolve("gomodcache-" + prepare.getParent().getFileName()));
            List<String> embedded = embeddedFiles(prepare.getParent());
            assertFalse(embedded.isEmpty(), prepare + " exists, so its module embeds what it writes");
            try {
                ProcessBuilder pb = new ProcessBuilder(prepare.toString()).redirectErrorStream(true);
                pb.environment().put("GOMODCACHE", modules.toString());
                pb.environment().put("GOFLAGS", "-mod=readonly");
                Process p = pb.start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(5, TimeUnit.MINUTES), prepare + " did not finish");
                assertEquals(0, p.exitValue(), prepare + " failed with a cold module cache:\n" + output);
            } finally {
                // The module cache is read-only; go removes it as it made it.
                ProcessBuilder clean = new ProcessBuilder("go", "clean", "-modcache").inheritIO();
                clean.environment().put("GOMODCACHE", modules.toString());
                clean.start().waitFor(2, TimeUnit.MINUTES);
            }
            for (String file : embedded) {
                Path written = prepare.getParent().resolve(file);
                assertTrue(Files.isRegularFile(written) && Files.size(written) > 0, prepare + " did not write " + file);
            }
        }
    }

    /** The tools folder without the files a preparation writes, so the run must make them again. */
    private static Path copyTools(Path into) throws IOException {
        Path source = Path.of("tools").toAbsolutePath();
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path to = into.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().endsWith("-embed.json")) {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return into;
    }

    private static List<String> embeddedFiles(Path module) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> sources = Files.list(module)) {
            for (Path go : (Iterable<Path>) sources.filter(f -> f.toString().endsWith(".go"))::iterator) {
                Matcher m = EMBED.matcher(Files.readString(go));
                while (m.find()) {
                    files.add(m.group(1));
                }
            }
        }
        return files;
    }
}
