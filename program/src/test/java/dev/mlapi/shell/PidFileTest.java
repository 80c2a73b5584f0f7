package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster's pid files name the processes cluster_start started, with what each was
 * (its start time and command line): a pid that now belongs to another process (after a reboot,
 * say) is reported and forgotten, never signalled; the cluster's own processes still stop, with
 * what they started. The real node's host-side cleanup (node_down) is left out: it is covered
 * end to end, on a cluster's own ports.
 */
class PidFileTest {
    @TempDir
    Path scratch;

    private Shell shell;
    private Process unrelated;

    @BeforeEach
    void copyTheCommand() throws IOException {
        shell = new Shell(scratch);
    }

    @AfterEach
    void stopTheUnrelatedProcess() {
        if (unrelated != null) {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void clusterDownNeverSignalsAProcessThatAPidFileNamesButDidNotStart() throws Exception {
        // Another program's process, leading its own process group, as after a reboot.
        unrelated = new ProcessBuilder("setsid", "sleep", "7300").start();
        long pid = unrelated.pid();
        Shell.await("sleep running", () -> commandLine(pid).equals("sleep 7300"));
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        assertEquals(Long.toString(pid), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2], "the process leads its own group");
        Path run = Files.createDirectories(shell.home.resolve("cluster/run"));
        // etcd's pid file as an older ./mlapi wrote it: the pid alone.
        Files.writeString(run.resolve("etcd.pid"), pid + "\n");
        // The registry's with what the process was: the same pid, started at another time.
        Files.writeString(run.resolve("registry.pid"), pid + "\n");
        Files.writeString(run.resolve("registry.id"), Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + " 1\n");
        Files.write(run.resolve("registry.argv"), "/project/.tools/bin/registry\0serve\0/project/.state/cluster/registry.yml\0".getBytes());

        Shell.Result down = shell.run("node_down() { :; }\ncluster_down\n");

        assertEquals(0, down.exitCode(), down.output());
        assertTrue(unrelated.isAlive(), "the unrelated process was signalled:\n" + down.output());
        assertFalse(unrelated.waitFor(1, TimeUnit.SECONDS), "the unrelated process was signalled:\n" + down.output());
        assertTrue(down.output().contains("cluster: etcd's pid file names pid " + pid + ", which runs sleep 7300"), down.output());
        assertTrue(down.output().contains("cluster: registry's pid file names pid " + pid + ", which runs sleep 7300"), down.output());
        assertTrue(down.output().contains("not signalling it"), down.output());
        assertTrue(down.output().contains("cluster: stopped 0 process(es)"), down.output());
        try (var left = Files.list(run)) {
            assertEquals(List.of(), left.toList(), "the stale pid files are gone");
        }
    }

    static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theClustersOwnProcessesStopWithWhatTheyStarted() throws IOException {
        Path daemon = scratch.resolve("daemon.py");
        Files.writeString(daemon, "#!/usr/bin/env python3\nimport time\ntime.sleep(600)\n");
        daemon.toFile().setExecutable(true);
        Path inPod = scratch.resolve("in-pod");
        Files.writeString(inPod, "#!/usr/bin/env bash\nexec \"$@\"\n");
        inPod.toFile().setExecutable(true);
        // Run directly; through a program that execs another (nsenter, unshare, env); through an
        // interpreter (a script's #! line); through both, as the add-ons run (unshare, lib/bin/in-pod);
        // one that starts a child of its own.
        Shell.Result result = shell.run("""
                cluster_start kwok sleep 7301
                cluster_start kube-scheduler env SOME=1 sleep 7302
                cluster_start kube-controller-manager %s
                cluster_start external-secrets bash -c 'sleep 7303 & wait'
                cluster_start sealed-secrets-controller env A=1 %s sleep 7304
                for name in kwok kube-scheduler kube-controller-manager external-secrets sealed-secrets-controller; do
                  cluster_pid "$name" >/dev/null || echo "not recognised: $name"
                done
                node_down() { :; }
                cluster_down
                """.formatted(daemon, inPod));

        assertEquals(0, result.exitCode(), result.output());
        assertFalse(result.output().contains("not recognised"), result.output());
        assertFalse(result.output().contains("not signalling"), result.output());
        assertTrue(result.output().contains("cluster: stopped 5 process(es)"), result.output());
        Process pgrep = new ProcessBuilder("pgrep", "-f", "sleep 730[1234]$|" + daemon).start();
        assertEquals("", new String(pgrep.getInputStream().readAllBytes()).strip(), "every process and its children stopped");
    }
}
