package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * No command deletes what it did not create, and two commands at once do not race, through
 * ./mlapi on a copy of the project with its own cluster: render refuses a folder it did not
 * write (the project's own ".", a home-like folder) and replaces only its own output;
 * {@code cluster down} never signals a process that a pid file names but the cluster did not
 * start; two renders at once build the program once and start the cluster once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafeCommandsIT {
    private static final int PORT = Project.port(25443);
    private static Project project;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("safe-commands", PORT);
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    @Test
    @Order(1)
    void renderRefusesFoldersItDidNotWriteAndTouchesNothing() throws IOException {
        Path home = Files.createDirectories(project.dir.resolve("someone-home"));
        Files.writeString(home.resolve(".bashrc"), "export A=1");
        Files.createDirectories(home.resolve("Documents"));
        Files.writeString(home.resolve("Documents/report.txt"), "q3");
        List<String> projectBefore = tree(project.dir);

        for (String folder : List.of(".", home.toString(), "program")) {
            Project.Result render = project.mlapi("render", "dev", folder);
            assertEquals(2, render.exitCode(), render.output());
            assertTrue(render.output().contains("holds files that render did not write"), render.output());
        }

        assertEquals(projectBefore, tree(project.dir), "every file of the project and of the home folder is still there, and nothing was added");
        assertFalse(Files.exists(project.home.resolve("cluster/run")), "nothing was started");
    }

    @Test
    @Order(2)
    void clusterDownNeverSignalsAProcessItDidNotStart() throws Exception {
        Process unrelated = new ProcessBuilder("setsid", "sleep", "7320").start();
        try {
            for (int i = 0; i < 100 && !Files.readString(Path.of("/proc/" + unrelated.pid() + "/cmdline")).startsWith("sleep"); i++) {
                Thread.sleep(100);
            }
            Path run = Files.createDirectories(project.home.resolve("cluster/run"));
            Files.writeString(run.resolve("kube-apiserver.pid"), unrelated.pid() + "\n");
            Files.writeString(run.resolve("containerd.pid"), unrelated.pid() + "\n");

            Project.Result down = project.mlapi("cluster", "down").assertOk("cluster down");

            assertFalse(unrelated.waitFor(1, TimeUnit.SECONDS), "the unrelated process was signalled:\n" + down.output());
            assertTrue(down.output().contains("kube-apiserver's pid file names pid " + unrelated.pid() + ", which runs sleep 7320"), down.output());
            assertTrue(down.output().contains("not signalling it"), down.output());
            assertFalse(Files.exists(run.resolve("kube-apiserver.pid")), "the stale pid file is gone");
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    @Order(3)
    void twoRendersAtOnceBuildTheProgramOnceAndStartTheClusterOnce() throws Exception {
        // A source newer than the jar, and older than a new build: both commands need a build
        // (and the cluster), and a build satisfies both.
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(project.dir.resolve("target/mlapi.jar"), FileTime.fromMillis(now - 3_600_000));
        Files.setLastModifiedTime(project.dir.resolve("program/src/main/java/dev/mlapi/App.java"), FileTime.fromMillis(now - 1_800_000));
        CompletableFuture<Project.Result> dev = CompletableFuture.supplyAsync(() -> project.mlapi("render", "dev", "rendered-dev"));
        CompletableFuture<Project.Result> staging = CompletableFuture.supplyAsync(
                () -> project.mlapi(Map.of("PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE), "render", "staging", "rendered-staging"));
        String both = dev.get().assertOk("render dev").output() + staging.get().assertOk("render staging").output();
        both.lines().filter(l -> l.startsWith("program: building") || l.startsWith("cluster: up in") || l.startsWith("mlapi: waiting"))
                .forEach(System.out::println);

        assertEquals(1, both.lines().filter(l -> l.startsWith("program: building")).count(), "one build:\n" + both);
        assertEquals(1, both.lines().filter(l -> l.startsWith("cluster: up in")).count(), "one start:\n" + both);
        assertFalse(both.contains("port") && both.contains("is taken"), both);
        for (String folder : List.of("rendered-dev", "rendered-staging")) {
            assertTrue(tree(project.dir.resolve(folder)).stream().anyMatch(f -> f.startsWith("1-manifest/apps_v1-deployment-")), folder);
        }
    }

    @Test
    @Order(4)
    void aSecondRenderReplacesOnlyItsOwnFiles() throws IOException {
        Path folder = project.dir.resolve("rendered-dev");
        Files.writeString(folder.resolve("NOTES.md"), "reviewed on Monday");
        List<String> rendered = tree(folder).stream().filter(f -> f.endsWith(".yaml")).toList();

        Project.Result render = project.mlapi("render", "dev", "rendered-dev").assertOk("render dev again");

        // The Secret's name carries a hash that differs between renders: the first one's file goes.
        List<String> again = tree(folder).stream().filter(f -> f.endsWith(".yaml")).toList();
        assertEquals(rendered.size(), again.size(), "the first render's files are replaced, none is left beside the new ones:\n" + rendered + "\n" + again);
        assertEquals(again, Files.readAllLines(folder.resolve(".mlapi-render")).stream().filter(l -> !l.startsWith("#")).toList(), "the mark lists the new files");
        assertEquals("reviewed on Monday", Files.readString(folder.resolve("NOTES.md")), "a file added by hand stays");
        assertTrue(render.output().contains("render: " + again.size() + " manifests in " + folder), render.output());
    }

    @Test
    @Order(5)
    void clusterDownStillStopsEveryProcessTheClusterStarted() {
        Project.Result down = project.mlapi("cluster", "down").assertOk("cluster down");

        assertTrue(down.output().contains("cluster: stopped 12 process(es)"), down.output());
        assertFalse(down.output().contains("not signalling"), down.output());
        Project.Result left = new Project.Result(0, run("pgrep", "-af", project.dir.toString()));
        assertEquals("", left.output().strip(), "no process of the cluster is left");
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The folder's entries, relative, sorted (the state folder and run logs left out). */
    private static List<String> tree(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(p -> !p.equals(folder)).map(p -> folder.relativize(p).toString())
                    .filter(p -> !p.startsWith(".state") && !p.matches("run.*\\.log")).sorted().toList();
        }
    }
}
