package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With MLAPI_KUBECONFIG (a cluster that is not the local one), up, preview, refresh and destroy
 * need an explicit backend, and up, refresh and destroy ask on a terminal after the preview
 * unless --yes is given; without a terminal or --yes they refuse. Without MLAPI_KUBECONFIG
 * nothing changes. The Pulumi CLI is a stub that prints how it was called (the real CLI's
 * question, answered on a pseudo-terminal, is in ExplicitClusterIT).
 */
class ExplicitClusterTest {
    private static final String STUBS = """
            tools/build() { :; }
            engine_plugins() { :; }
            cluster_up() { :; }
            program_build() { :; }
            local_image_config() { :; }
            local_try() { :; }
            pulumi() { echo "PULUMI $* [backend $PULUMI_BACKEND_URL] [kubeconfig $KUBECONFIG]"; }
            """;

    @TempDir
    Path scratch;

    private Shell shell;
    private Map<String, String> remote;
    private String backend;

    @BeforeEach
    void copyTheCommand() throws IOException {
        shell = new Shell(scratch);
        backend = "file://" + scratch.resolve("team-state");
        remote = Map.of("MLAPI_KUBECONFIG", scratch.resolve("kubeconfig").toString(), "PULUMI_CONFIG_PASSPHRASE", "test");
    }

    private Shell.Result mlapi(Map<String, String> env, String... args) {
        return shell.run(env, List.of(), STUBS + "engine_run " + String.join(" ", args) + "\n");
    }

    private static List<String> engineCalls(Shell.Result result) {
        // Selecting the stack and recovery's read of its export (lib/recover.sh) change nothing.
        return result.output().lines().filter(l -> l.startsWith("PULUMI ") && !l.startsWith("PULUMI stack select")
                && !l.startsWith("PULUMI stack export")).toList();
    }

    @Test
    void anotherClusterNeedsAnExplicitBackend() {
        for (String verb : List.of("up", "preview", "refresh", "destroy")) {
            Shell.Result result = mlapi(remote, verb, "staging", "--yes");
            assertNotEquals(0, result.exitCode(), verb + ": " + result.output());
            assertTrue(result.output().contains(verb + ": MLAPI_KUBECONFIG names a cluster that is not the local one"), result.output());
            assertTrue(result.output().contains("export PULUMI_BACKEND_URL='s3://"), result.output());
            assertEquals(List.of(), engineCalls(result), verb + " ran the engine");
            assertFalse(result.output().contains("PULUMI stack select"), verb + " touched a stack");
        }
    }

    @Test
    void withoutATerminalAndWithoutYesNothingIsApplied() {
        Map<String, String> env = new java.util.HashMap<>(remote);
        env.put("PULUMI_BACKEND_URL", backend);
        for (String verb : List.of("up", "refresh", "destroy")) {
            Shell.Result result = mlapi(env, verb, "staging");
            assertNotEquals(0, result.exitCode(), verb + ": " + result.output());
            assertTrue(result.output().contains(verb + ": applying to the cluster of MLAPI_KUBECONFIG asks first, on a terminal"), result.output());
            assertTrue(result.output().contains("--yes"), result.output());
            assertEquals(List.of(), engineCalls(result), verb + " ran the engine");
        }
        Shell.Result preview = mlapi(env, "preview", "staging");
        assertEquals(0, preview.exitCode(), preview.output());
        assertEquals(List.of("PULUMI preview --non-interactive --diff --stack staging [backend " + backend + "] [kubeconfig " + remote.get("MLAPI_KUBECONFIG") + "]"),
                engineCalls(preview));
    }

    @Test
    void yesInAnyPositionAppliesAfterThePreviewInTheNamedBackend() {
        Map<String, String> env = new java.util.HashMap<>(remote);
        env.put("PULUMI_BACKEND_URL", backend);
        String where = " [backend " + backend + "] [kubeconfig " + remote.get("MLAPI_KUBECONFIG") + "]";

        Shell.Result up = mlapi(env, "up", "staging", "--yes", "--parallel", "4");
        Shell.Result refresh = mlapi(env, "refresh", "staging", "--parallel", "4", "--yes");
        Shell.Result destroy = mlapi(env, "destroy", "staging", "--yes");

        assertEquals(List.of("PULUMI up --diff --stack staging --yes --non-interactive --parallel 4" + where, "PULUMI stack output --stack staging" + where),
                engineCalls(up), up.output());
        assertEquals(List.of("PULUMI refresh --stack staging --yes --non-interactive --parallel 4" + where), engineCalls(refresh));
        assertEquals(List.of("PULUMI destroy --stack staging --yes --non-interactive" + where), engineCalls(destroy));
    }

    @Test
    void onATerminalTheEngineAsksAfterItsPreview() {
        Map<String, String> env = new java.util.HashMap<>(remote);
        env.put("PULUMI_BACKEND_URL", backend);
        String where = " [backend " + backend + "] [kubeconfig " + remote.get("MLAPI_KUBECONFIG") + "]";

        Shell.Result up = shell.run(env, Shell.onTerminal(), STUBS + "engine_run up staging\n");

        assertEquals(0, up.exitCode(), up.output());
        assertEquals(List.of("PULUMI up --diff --stack staging" + where, "PULUMI stack output --stack staging" + where),
                engineCalls(up).stream().map(String::strip).toList(), "no --yes, no --skip-preview, not --non-interactive: the CLI previews and asks");
    }

    /**
     * A killed run left a pending create (the export says so; the recovery command, stubbed here,
     * answers with the refresh it needs). On another cluster the refresh changes what a team
     * shares, so it is shown and asked like the up: "no" leaves the state and the cluster alone
     * and stops the up; --yes takes the step unasked, then the up runs.
     */
    @Test
    void onAnotherClusterRecoveryAsksBeforeItActs() {
        String pending = STUBS + """
                pulumi() {
                  echo "PULUMI $* [backend $PULUMI_BACKEND_URL] [kubeconfig $KUBECONFIG]"
                  if [[ $1 == stack && $2 == export ]]; then echo '{"deployment": {"pending_operations": [{"type": "creating"}]}}' >"$6"; fi
                }
                program_main() { echo --clear-pending-creates; }
                """;
        Map<String, String> env = new java.util.HashMap<>(remote);
        env.put("PULUMI_BACKEND_URL", backend);
        String where = " [backend " + backend + "] [kubeconfig " + remote.get("MLAPI_KUBECONFIG") + "]";
        List<String> answerNo = List.of("python3", Path.of("program/src/test/resources/dev/mlapi/shell/terminal.py").toAbsolutePath().toString(),
                "--answer", "recover: do it now? [y/N]", "n", "--");

        Shell.Result declined = shell.run(env, answerNo, pending + "engine_run up staging\n");

        assertNotEquals(0, declined.exitCode(), declined.output());
        assertTrue(declined.output().contains("recover: to do: pulumi refresh --clear-pending-creates --stack staging"), declined.output());
        assertEquals(List.of(), engineCalls(declined), "declined: neither the refresh nor the up ran");

        Shell.Result unasked = shell.run(env, List.of(), pending + "engine_run up staging --yes\n");

        assertEquals(0, unasked.exitCode(), unasked.output());
        assertEquals(List.of("PULUMI refresh --yes --non-interactive --skip-preview --stack staging --clear-pending-creates" + where,
                "PULUMI up --diff --stack staging --yes --non-interactive" + where, "PULUMI stack output --stack staging" + where),
                engineCalls(unasked).stream().map(String::strip).toList());
    }

    @Test
    void theLocalClusterKeepsItsOwnStateAndAsksNothing() {
        Shell.Result up = mlapi(Map.of("PULUMI_BACKEND_URL", backend), "up", "dev");

        assertEquals(0, up.exitCode(), up.output());
        String local = " [backend file://" + shell.home.resolve("backend") + "] [kubeconfig " + shell.home.resolve("cluster/kubeconfig") + "]";
        assertEquals(List.of("PULUMI up --yes --skip-preview --non-interactive --stack dev" + local, "PULUMI stack output --stack dev" + local),
                engineCalls(up));
    }
}
