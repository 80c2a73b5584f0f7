package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./mlapi rebuilds the program jar when a file it is built from is newer than it: a source or pom
 * of either module (the component library, the stack-file program) or the root pom; nothing else.
 */
class ProgramStaleTest {
    private static final List<String> BUILT_FROM = List.of("pom.xml", "component/pom.xml", "program/pom.xml",
            "component/src/main/java/dev/mlapi/components/MlApi.java", "program/src/main/java/dev/mlapi/App.java",
            "component/src/main/resources/dev/mlapi/components/defaults.yaml");
    private static final List<String> NOT_BUILT_FROM = List.of("README.md", "component/CHANGELOG.md", "program/target/classes/dev/mlapi/App.class");
    /** The build replaced by a stub that says it ran; the jar and its archive left as they are. */
    private static final String BUILD = """
            mvn() { echo "built"; }
            program_java_archive() { :; }
            program_build_if_stale
            """;

    @TempDir
    Path scratch;

    private Shell shell;
    private FileTime built;

    @BeforeEach
    void aJarNewerThanEveryFile() throws IOException {
        shell = new Shell(scratch);
        FileTime before = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (String file : concat(BUILT_FROM, NOT_BUILT_FROM)) {
            Path p = shell.project.resolve(file);
            Files.createDirectories(p.getParent());
            if (!Files.exists(p)) {
                Files.writeString(p, "");
            }
            Files.setLastModifiedTime(p, before);
        }
        // A folder counts too (a source added or removed changes it): they are as old as their files.
        try (java.util.stream.Stream<Path> tree = Files.walk(shell.project)) {
            for (Path dir : tree.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(dir, before);
            }
        }
        Path jar = Files.createDirectories(shell.project.resolve("target")).resolve("mlapi.jar");
        shell.run("python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], \"w\").writestr(\"App.class\", \"\")' target/mlapi.jar\n"
                + "touch target/mlapi.jsa");
        built = FileTime.fromMillis(System.currentTimeMillis() - 1_800_000);
        Files.setLastModifiedTime(jar, built);
    }

    @Test
    void aFreshJarIsKept() {
        Shell.Result run = shell.run(BUILD);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("", run.output());
    }

    @Test
    void aNewerSourceOrPomOfEitherModuleRebuildsIt() throws IOException {
        for (String file : BUILT_FROM) {
            Files.setLastModifiedTime(shell.project.resolve(file), FileTime.fromMillis(System.currentTimeMillis()));
            Shell.Result run = shell.run(BUILD);
            assertEquals(0, run.exitCode(), run.output());
            assertEquals(List.of("program: building " + shell.project.resolve("target/mlapi.jar"), "built"), run.output().lines().toList(), file);
            Files.setLastModifiedTime(shell.project.resolve(file), FileTime.fromMillis(built.toMillis() - 1));
        }
    }

    @Test
    void otherFilesDoNot() throws IOException {
        for (String file : NOT_BUILT_FROM) {
            Files.setLastModifiedTime(shell.project.resolve(file), FileTime.fromMillis(System.currentTimeMillis()));
        }
        Shell.Result run = shell.run(BUILD);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("", run.output());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
