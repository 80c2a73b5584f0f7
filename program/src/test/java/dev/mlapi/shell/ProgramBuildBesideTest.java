package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * up, preview, refresh and render build the program (Maven) while the tools build and the local
 * cluster starts (with_program_build), and never leave that build running behind them.
 */
class ProgramBuildBesideTest {
    @TempDir
    java.nio.file.Path scratch;

    @Test
    void theBuildRunsWhileTheCommandRuns() throws Exception {
        Shell shell = new Shell(scratch);
        // Each side waits (bounded) for a mark of the other: they pass only when they overlap.
        Shell.Result result = shell.run("""
                program_build() { touch build-started; for _ in $(seq 100); do [[ -e cluster-started ]] && break; sleep 0.05; done; [[ -e cluster-started ]]; touch built; }
                start_cluster() { touch cluster-started; for _ in $(seq 100); do [[ -e build-started ]] && break; sleep 0.05; done; [[ -e build-started ]]; }
                with_program_build start_cluster
                [[ -e built ]] && echo "built before the command went on"
                """);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("built before the command went on"), result.output());
    }

    @Test
    void aCommandThatFailsStillWaitsForTheBuildAndKeepsItsStatus() throws Exception {
        Shell shell = new Shell(scratch);
        Shell.Result result = shell.run("""
                program_build() { sleep 1; touch built; }
                fail_to_start() { echo "the cluster did not start" >&2; return 3; }
                with_program_build fail_to_start
                echo "not reached"
                """);
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(!result.output().contains("not reached"), result.output());
        assertTrue(Files.exists(shell.project.resolve("built")), "the build was left running after the command exited");
    }

    @Test
    void aBuildThatFailsFailsTheCommand() throws Exception {
        Shell shell = new Shell(scratch);
        Shell.Result result = shell.run("""
                program_build() { echo "program: the build failed" >&2; return 4; }
                with_program_build true
                echo "not reached"
                """);
        assertEquals(4, result.exitCode(), result.output());
        assertTrue(result.output().contains("program: the build failed") && !result.output().contains("not reached"), result.output());
    }
}
