package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster that is not the local one (MLAPI_KUBECONFIG) through the real CLI and engine: the
 * local cluster of a copy of the project, used as if it were remote, with staging (its pods on
 * the simulated nodes). Its state must be named (PULUMI_BACKEND_URL, here a file:// folder as
 * a team's s3:// would be); up, refresh and destroy preview, then ask on a terminal, or refuse
 * with no terminal unless --yes is given. A question answered "no" applies nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExplicitClusterIT {
    private static final int PORT = Project.port(27443);
    private static final String NS = "sentiment-api-staging";
    private static final String QUESTION = "Do you want to perform this ";
    private static Project project;
    private static Map<String, String> remote;
    private static Map<String, String> withBackend;
    private static Path teamState;

    @BeforeAll
    static void startTheClusterToUseAsIfRemote() throws IOException {
        project = Project.fresh("explicit-cluster", PORT);
        project.mlapi("cluster", "up").assertOk("cluster up");
        teamState = Files.createDirectories(project.dir.resolve("team-state"));
        remote = Map.of("MLAPI_KUBECONFIG", project.home.resolve("cluster/kubeconfig").toString(), "PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE,
                // The question on a pseudo-terminal is asked in CI too.
                "PULUMI_DISABLE_CI_DETECTION", "1");
        withBackend = new HashMap<>(remote);
        withBackend.put("PULUMI_BACKEND_URL", "file://" + teamState);
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    @Test
    @Order(1)
    void withoutAnExplicitBackendNothingRuns() {
        for (String verb : List.of("up", "preview", "refresh", "destroy")) {
            Project.Result result = project.mlapi(remote, verb, "staging", "--yes");
            assertEquals(2, result.exitCode(), verb + ": " + result.output());
            assertTrue(result.output().contains(verb + ": MLAPI_KUBECONFIG names a cluster that is not the local one"), result.output());
            assertTrue(result.output().contains("export PULUMI_BACKEND_URL='s3://"), result.output());
        }
        assertNoStaging();
        assertFalse(Files.exists(project.home.resolve("backend/.pulumi/stacks/mlapi/staging.json")), "no local state for the other cluster");
    }

    @Test
    @Order(2)
    void withoutATerminalAndWithoutYesNothingIsApplied() {
        for (String verb : List.of("up", "refresh", "destroy")) {
            Project.Result result = project.mlapi(withBackend, verb, "staging");
            assertEquals(2, result.exitCode(), verb + ": " + result.output());
            assertTrue(result.output().contains("there is no terminal here: add --yes to apply without asking"), result.output());
        }
        assertNoStaging();
    }

    @Test
    @Order(3)
    void yesShowsThePreviewThenAppliesIntoTheNamedState() {
        Project.Result up = project.mlapi(withBackend, "up", "staging", "--yes").assertOk("up staging --yes");

        String out = up.output();
        assertTrue(out.contains("Previewing update (staging)"), out);
        assertTrue(out.contains("Updating (staging)"), out);
        assertTrue(out.indexOf("Previewing update (staging)") < out.indexOf("Updating (staging)"), "the preview comes first");
        assertEquals(2, project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS).at("/spec/replicas").asInt());
        assertTrue(Files.exists(teamState.resolve(".pulumi/stacks/mlapi/staging.json")), "the state is in the named backend");
        assertFalse(Files.exists(project.home.resolve("backend/.pulumi/stacks/mlapi/staging.json")), "and not in the local one");
    }

    @Test
    @Order(4)
    void aQuestionAnsweredNoAppliesNothing() throws IOException {
        String staging = project.read("Pulumi.staging.yaml");
        project.write("Pulumi.staging.yaml", staging.replace("config:\n", "config:\n  mlapi:replicas: 3\n"));
        Project.Result up = project.mlapiOnTerminal(withBackend, QUESTION + "update?", "no", "up", "staging");
        project.write("Pulumi.staging.yaml", staging);

        assertNotEquals(0, up.exitCode(), up.output());
        assertTrue(up.output().contains("Previewing update (staging)"), up.output());
        assertTrue(up.output().contains("confirmation declined, not proceeding with the update"), up.output());
        assertEquals(2, project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS).at("/spec/replicas").asInt(), "the change was not applied");

        Project.Result destroy = project.mlapiOnTerminal(withBackend, QUESTION + "destroy?", "no", "destroy", "staging");
        assertNotEquals(0, destroy.exitCode(), destroy.output());
        assertTrue(destroy.output().contains("confirmation declined, not proceeding with the destroy"), destroy.output());
        assertEquals(0, project.kubectl("get", "namespace", NS).exitCode(), "nothing was destroyed");
    }

    @Test
    @Order(5)
    void destroyWithYesRemovesTheStacksObjects() {
        project.mlapi(withBackend, "destroy", "staging", "--yes").assertOk("destroy staging --yes");
        assertNoStaging();
    }

    private static void assertNoStaging() {
        assertNotEquals(0, project.kubectl("get", "namespace", NS).exitCode(), "staging's namespace exists");
    }
}
