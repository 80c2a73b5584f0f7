package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ./mlapi commands on one project at once build the program once and start the cluster once:
 * the second waits for the first (and says so), then finds the work done. Each test holds the
 * first command inside its critical step (a gate file) until the second has either started the
 * same step or is seen waiting, so the order is forced, not timed.
 */
class CommandLockTest {
    @TempDir
    Path scratch;

    private Shell shell;

    @BeforeEach
    void copyTheCommand() throws IOException {
        shell = new Shell(scratch);
        Files.createDirectories(shell.project.resolve("program/src"));
        Files.writeString(shell.project.resolve("program/src/App.java"), "class App {}");
    }

    private Path gate() {
        return shell.home.resolve("go");
    }

    /** The stub holds here until the test opens the gate (a minute at most). */
    private static final String HOLD = "for _ in $(seq 600); do [[ -f $MLAPI_HOME/go ]] && break; sleep 0.1; done";

    @Test
    void twoCommandsBuildTheProgramOnce() throws Exception {
        String build = """
                mkdir -p "$MLAPI_HOME"
                mvn() { echo "build by $$" >>"$MLAPI_HOME/builds"; %s; mkdir -p target; python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("App.class", "")' target/mlapi.jar; }
                program_build
                """.formatted(HOLD);
        Path builds = shell.home.resolve("builds");

        Shell.Running first = shell.start(build);
        Shell.await("the first command building", () -> lines(builds) == 1);
        Shell.Running second = shell.start(build);
        Shell.await("the second command waiting or building", () -> second.output().contains("waiting") || lines(builds) == 2);
        Files.writeString(gate(), "");
        Shell.Result one = first.finish();
        Shell.Result two = second.finish();

        assertEquals(0, one.exitCode(), one.output());
        assertEquals(0, two.exitCode(), two.output());
        assertEquals(1, lines(builds), "builds: " + Files.readString(builds));
        assertTrue(two.output().contains("mlapi: waiting for another ./mlapi command of this project (pid "), two.output());
        assertTrue(two.output().contains(") to finish building the program"), two.output());
    }

    /**
     * cluster_up with every process replaced by a sleep: the real locking and pid files, no
     * cluster. The first start holds while "waiting for etcd".
     */
    @Test
    void twoCommandsStartTheClusterOnce() throws Exception {
        String start = """
                eval "$(declare -f cluster_start | sed '1s/cluster_start/real_cluster_start/')"
                cluster_start() { real_cluster_start "$1" sleep 7310; }
                cluster_pki() { :; }
                node_pki() { :; }
                cluster_nodes() { :; }
                cluster_kubectl() { :; }
                cluster_wait() { if [[ $1 == etcd ]]; then echo "$$" >>"$MLAPI_HOME/etcd-waits"; %s; fi; }
                node_up() { local name; for name in "${node_processes[@]}"; do cluster_start "$name"; done; registry_start; }
                registry_start() { cluster_start registry; }
                cluster_up
                """.formatted(HOLD);
        Path waits = shell.home.resolve("etcd-waits");
        Files.createDirectories(shell.home);

        Shell.Running first = shell.start(start);
        Shell.await("the first command starting the cluster", () -> lines(waits) == 1);
        Shell.Running second = shell.start(start);
        Shell.await("the second command waiting or starting", () -> second.output().contains("waiting") || lines(waits) == 2);
        Files.writeString(gate(), "");
        Shell.Result one = first.finish();
        Shell.Result two = second.finish();
        String processes = new String(new ProcessBuilder("pgrep", "-f", "^sleep 7310$").start().getInputStream().readAllBytes());
        Shell.Result down = shell.run("node_down() { local name; for name in \"${node_processes[@]}\"; do cluster_stop \"$name\"; done; }\ncluster_down\n");

        assertEquals(0, one.exitCode(), one.output());
        assertEquals(0, two.exitCode(), two.output());
        String both = one.output() + two.output();
        assertEquals(1, both.lines().filter(l -> l.startsWith("cluster: up in")).count(), "the cluster started once:\n" + both);
        assertTrue(two.output().contains(") to finish starting the local cluster"), two.output());
        assertEquals(12, processes.lines().count(), "one process per component:\n" + processes);
        assertTrue(down.output().contains("cluster: stopped 12 process(es)"), down.output());
    }

    @AfterEach
    void noProcessLeft() throws IOException {
        shell.run("node_down() { local name; for name in \"${node_processes[@]}\"; do cluster_stop \"$name\"; done; }\ncluster_down 2>/dev/null\n");
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
