package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mlapi render <stack> <folder>} writes only into a folder that is new, empty or its
 * own, and replaces only what it wrote there. The engine, the cluster and the checks are stubs
 * here: the engine "renders" one manifest named after RENDERED (the end-to-end render is in
 * SafeCommandsIT).
 */
class RenderFolderTest {
    /** The engine as render drives it: the folder it is told, one manifest per up. */
    private static final String STUBS = """
            tools/build() { :; }
            engine_plugins() { :; }
            cluster_up() { :; }
            program_build() { :; }
            program_main() { echo "restricted Pod Security: 0 violation(s) in 1 object(s)"; }
            render_dry_run() { :; }
            pulumi() {
              case $1 in
                config) printf '%s' "${@: -1}" >"$MLAPI_HOME/render-folder" ;;
                up) local folder; folder=$(<"$MLAPI_HOME/render-folder")
                    mkdir -p "$folder/1-manifest"
                    echo "kind: Namespace" >"$folder/1-manifest/v1-namespace-default-$RENDERED.yaml" ;;
              esac
            }
            """;

    @TempDir
    Path scratch;

    private Shell shell;

    @BeforeEach
    void copyTheCommand() throws IOException {
        shell = new Shell(scratch);
    }

    private Shell.Result render(String folder, String rendered) {
        return shell.run(STUBS + "RENDERED=" + rendered + "\nengine_render dev '" + folder + "'\n");
    }

    @Test
    void aFolderWithFilesRenderDidNotWriteIsRefusedAndKeepsThem() throws IOException {
        Path folder = Files.createDirectories(scratch.resolve("work"));
        Files.writeString(folder.resolve("notes.txt"), "mine");
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("sub/data.csv"), "1,2");

        Shell.Result result = render(folder.toString(), "a");

        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("render: " + folder + " holds files that render did not write"), result.output());
        assertEquals(List.of("notes.txt", "sub", "sub/data.csv"), tree(folder), "nothing was deleted or added");
    }

    @Test
    void theCurrentFolderIsRefused() throws IOException {
        // ./mlapi runs in the project folder: "." is the project itself.
        List<String> before = tree(shell.project);

        Shell.Result result = render(".", "a");

        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("holds files that render did not write"), result.output());
        assertEquals(before, tree(shell.project).stream().filter(p -> !p.startsWith(".state")).toList(), "the project is intact");
    }

    @Test
    void aHomeLikeFolderIsRefusedHiddenFilesIncluded() throws IOException {
        Path home = Files.createDirectories(scratch.resolve("home"));
        Files.writeString(home.resolve(".bashrc"), "export A=1");
        Files.createDirectories(home.resolve("Documents"));
        Files.writeString(home.resolve("Documents/report.txt"), "q3");
        Path dotfilesOnly = Files.createDirectories(scratch.resolve("dotfiles"));
        Files.writeString(dotfilesOnly.resolve(".profile"), "umask 022");

        for (Path folder : List.of(home, dotfilesOnly)) {
            List<String> before = tree(folder);
            Shell.Result result = render(folder.toString(), "a");
            assertNotEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("holds files that render did not write"), result.output());
            assertEquals(before, tree(folder), folder + " is untouched");
        }
    }

    @Test
    void aNewOrEmptyFolderGetsTheManifestsAndRendersMark() throws IOException {
        Path fresh = scratch.resolve("out/new");
        Path empty = Files.createDirectories(scratch.resolve("empty"));
        for (Path folder : List.of(fresh, empty)) {
            Shell.Result result = render(folder.toString(), "a");
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(List.of(".mlapi-render", "1-manifest", "1-manifest/v1-namespace-default-a.yaml"), tree(folder));
            assertTrue(Files.readString(folder.resolve(".mlapi-render")).lines().anyMatch("1-manifest/v1-namespace-default-a.yaml"::equals));
        }
    }

    @Test
    void aRelativeFolderIsInTheProjectFolder() throws IOException {
        // ./mlapi runs in the project folder, so a relative folder is the project's.
        Shell.Result result = render("rendered/dev", "a");

        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of(".mlapi-render", "1-manifest", "1-manifest/v1-namespace-default-a.yaml"), tree(shell.project.resolve("rendered/dev")));
    }

    @Test
    void aSecondRenderReplacesOnlyWhatTheFirstWrote() throws IOException {
        Path folder = scratch.resolve("rendered");
        assertEquals(0, render(folder.toString(), "a").exitCode());
        Files.writeString(folder.resolve("README.txt"), "added by hand");
        Files.writeString(folder.resolve("1-manifest/kustomization.yaml"), "resources: []");

        Shell.Result again = render(folder.toString(), "b");

        assertEquals(0, again.exitCode(), again.output());
        assertEquals(List.of(".mlapi-render", "1-manifest", "1-manifest/kustomization.yaml", "1-manifest/v1-namespace-default-b.yaml", "README.txt"),
                tree(folder), "the first render's manifest is replaced; the files added by hand stay");
        assertFalse(Files.readString(folder.resolve(".mlapi-render")).contains("kustomization"), "the mark lists only render's own files");
    }

    @Test
    void aMarkThatNamesOtherFilesDeletesNothing() throws IOException {
        Path folder = Files.createDirectories(scratch.resolve("forged"));
        Files.writeString(scratch.resolve("precious.yaml"), "keep");
        Files.writeString(folder.resolve(".mlapi-render"), "../precious.yaml\n");

        Shell.Result result = render(folder.toString(), "a");

        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("names ../precious.yaml, which render never writes"), result.output());
        assertTrue(Files.exists(scratch.resolve("precious.yaml")));
    }

    /** The folder's entries, relative, sorted. */
    private static List<String> tree(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> !p.equals(folder)).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }
}
