package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk under the kubelet's eviction threshold stops the cluster's start, and every command on a
 * running cluster, with what is free and what is needed; the node would otherwise start no pod
 * and each rollout would wait out its deadline.
 */
class NodeDiskTest {
    @TempDir
    java.nio.file.Path scratch;

    /** df as the machine would answer, in MiB: a 100 GiB disk with this much free. */
    private static String disk(int freeMib) {
        return "df() { printf 'Size Avail\\n%s %s\\n' 102400 " + freeMib + "; }\n";
    }

    @Test
    void aNearlyFullDiskStopsTheClusterBeforeAnythingStarts() throws Exception {
        Shell shell = new Shell(scratch);
        Shell.Result result = shell.run(disk(1500) + """
                cluster_start() { echo "started $1"; }
                cluster_up
                """);
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("cluster: 1 GiB free on the disk of " + shell.home + ", under the 2% (2 GiB) below which the real node's kubelet starts no pod"), result.output());
        assertTrue(!result.output().contains("started"), result.output());
    }

    @Test
    void theKubeletsThresholdIsTheOneChecked() throws Exception {
        Shell shell = new Shell(scratch);
        Shell.Result result = shell.run(disk(2100) + """
                node_disk_check && echo "enough"
                node_dir=$PWD/node-configs node_run=$PWD/node-run
                node_configs
                grep -o 'nodefs.available: [0-9]*%' node-configs/kubelet.yaml
                """);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("enough"), result.output());
        assertTrue(result.output().contains("nodefs.available: 2%"), result.output());
    }
}
