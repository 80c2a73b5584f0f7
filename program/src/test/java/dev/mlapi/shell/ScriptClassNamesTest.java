package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts and workflows start the program's Java commands by class name, which the compiler
 * does not see: a class that moved to another package fails only when that script runs. Each name
 * they write must be a class of the program or its tests.
 */
class ScriptClassNamesTest {
    private static final Pattern CLASS = Pattern.compile("\\bdev\\.mlapi(?:\\.[a-z][a-z0-9]*)*\\.[A-Z]\\w*");

    @Test
    void everyClassAScriptNamesExists() throws IOException {
        List<String> missing = new java.util.ArrayList<>();
        int names = 0;
        for (Path file : scripts()) {
            Matcher m = CLASS.matcher(Files.readString(file));
            while (m.find()) {
                names++;
                try {
                    Class.forName(m.group(), false, getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    missing.add(file + ": " + m.group());
                }
            }
        }
        assertTrue(names > 0, "no class name found in the scripts: the pattern or the file list is wrong");
        assertTrue(missing.isEmpty(), "classes the scripts name that do not exist:\n  " + String.join("\n  ", missing));
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Stream.of("lib", ".ci", ".github", "tools").map(Path::of).flatMap(ScriptClassNamesTest::walk)) {
            return Stream.concat(Stream.of(Path.of("mlapi")), files.filter(Files::isRegularFile)
                    .filter(f -> !f.toString().startsWith("tools/") || f.getFileName().toString().matches("build|prepare|.*\\.sh")))
                    .sorted().toList();
        }
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
