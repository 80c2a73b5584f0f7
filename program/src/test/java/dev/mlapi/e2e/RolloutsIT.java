package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rollouts of the staging stack on the local cluster's simulated nodes: the real scheduler,
 * Deployment and autoscaler controllers and the real engine, with pods that kwok marks ready
 * (no process runs). The tests run in order on one staging deployment. The copy's staging stack
 * has a 10 s model-load budget, so a rollout's progress deadline is 10 + 90 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutsIT {
    private static final String NS = "sentiment-api-staging";
    private static final int PORT = Project.port(29443);
    private static final int PROGRESS_DEADLINE_SECONDS = 10 + 90;
    /** The pod annotation that lib/kwok-stages.yaml reads: a simulated pod becomes ready that long after it was scheduled. */
    private static final String READY_AFTER = "mlapi.dev/simulated-ready-after";
    private static Project project;
    private static String stackFile;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("rollouts", PORT);
        stackFile = project.read("Pulumi.staging.yaml") + "  mlapi:probes:\n    modelLoadTimeoutSeconds: 10\n";
        project.write("Pulumi.staging.yaml", stackFile);
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    /** The test's staging stack with extra top-level config lines. */
    private static void staging(String... lines) throws IOException {
        project.write("Pulumi.staging.yaml", stackFile + String.join("\n", lines) + (lines.length > 0 ? "\n" : ""));
    }

    private static Project.Result up() {
        return project.mlapiWithTestPassphrase("up", "staging");
    }

    private static void previewFindsNothingToChange() {
        project.mlapiWithTestPassphrase("preview", "staging", "--expect-no-changes").assertOk("preview --expect-no-changes");
    }

    @Test
    @Order(1)
    void aNewImageRollsOutAlthoughTheSpreadCountsNodesThePodsCannotUse() throws IOException {
        up().assertOk("up staging");
        String digest = "sha256:9f2c1e7d3b4a5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
        String next = "sha256:" + "0123456789abcdef".repeat(4);
        stackFile = stackFile.replace(digest, next);
        staging();

        up().assertOk("up staging with a new image");

        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS);
        assertEquals("ghcr.io/acme/sentiment-api@" + next, deployment.at("/spec/template/spec/containers/0/image").asText());
        assertEquals(2, deployment.at("/status/updatedReplicas").asInt(), deployment.at("/status").toString());
        assertEquals(2, deployment.at("/status/availableReplicas").asInt(), deployment.at("/status").toString());
        Set<String> nodes = new TreeSet<>();
        for (JsonNode pod : inferencePods()) {
            nodes.add(pod.at("/spec/nodeName").asText());
        }
        assertEquals(Set.of("cpu-a", "cpu-b"), nodes, "one pod on each node the pods may run on");
    }

    @Test
    @Order(2)
    void turningAutoscalingOnNeverLowersTheCountAndTheAutoscalerTakesItOver() throws Exception {
        assertEquals(2, replicas());
        staging("  mlapi:autoscaling:", "    enabled: true", "    minReplicas: 3", "    maxReplicas: 5");
        List<Integer> seen;
        try (ReplicaWatch watch = ReplicaWatch.start()) {
            up().assertOk("up staging with autoscaling on");
            // Without a metrics API the autoscaler still enforces its minimum.
            for (int i = 0; i < 90 && replicas() != 3; i++) {
                TimeUnit.SECONDS.sleep(1);
            }
            seen = watch.values();
        }
        assertEquals(3, replicas(), "the autoscaler raised the count to its minimum");
        assertFalse(seen.isEmpty(), "the watch saw the Deployment");
        assertTrue(seen.stream().allMatch(n -> n >= 2), "spec.replicas never went below 2 during the up: " + seen);
        assertEquals(Set.of("kube-controller-manager"), replicasManagers(), "the autoscaler owns the count");
        previewFindsNothingToChange();
    }

    @Test
    @Order(3)
    void turningAutoscalingOffTakesTheCountBackFromTheAutoscaler() throws IOException {
        assertEquals(3, replicas());
        assertEquals(Set.of("kube-controller-manager"), replicasManagers());
        // A count within the autoscaler's bounds, so that (without a metrics API) it does not
        // move the count in the moments before the engine deletes it, at the end of the up.
        staging("  mlapi:replicas: 4");
        up().assertOk("up staging with autoscaling off");

        assertEquals(4, replicas());
        assertEquals(0, project.kubectlJson("get", "hpa", "-n", NS).get("items").size(), "the autoscaler is gone");
        Set<String> managers = replicasManagers();
        assertEquals(1, managers.size(), "the stack alone owns the count again: " + managers);
        assertTrue(managers.iterator().next().startsWith("pulumi-kubernetes"), managers.toString());
        previewFindsNothingToChange();
    }

    @Test
    @Order(4)
    void aSlowRolloutOfManyBatchesPassesWhereOneBatchsTimeoutWouldHaveFailedIt() throws IOException {
        staging("  mlapi:replicas: 3");
        up().assertOk("up staging with 3 replicas");
        // Each new pod is ready 60 s after it was scheduled: within the progress deadline (100 s);
        // one at a time (surge 1 of 3), three batches.
        staging("  mlapi:replicas: 3", "  mlapi:podAnnotations:", "    " + READY_AFTER + ": 60s");
        up().assertOk("up staging with a slow rollout");

        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS);
        assertEquals(3, deployment.at("/status/updatedReplicas").asInt(), deployment.at("/status").toString());
        assertEquals(3, deployment.at("/status/readyReplicas").asInt(), deployment.at("/status").toString());
        // The cluster's own record of the rollout: from the first new pod's creation to the last one's readiness.
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        List<JsonNode> newPods = new ArrayList<>();
        for (JsonNode pod : inferencePods()) {
            if (pod.at("/metadata/annotations").has(READY_AFTER)) {
                newPods.add(pod);
                Instant created = Instant.parse(pod.at("/metadata/creationTimestamp").asText());
                Instant ready = readySince(pod);
                assertTrue(Duration.between(created, ready).toSeconds() < PROGRESS_DEADLINE_SECONDS, "each batch within the deadline");
                first = created.isBefore(first) ? created : first;
                last = ready.isAfter(last) ? ready : last;
            }
        }
        assertEquals(3, newPods.size());
        long rollout = Duration.between(first, last).toSeconds();
        assertTrue(rollout > PROGRESS_DEADLINE_SECONDS + 60,
                "the rollout took " + rollout + " s, longer than a wait sized for one batch (" + (PROGRESS_DEADLINE_SECONDS + 60) + " s)");
        System.out.printf("slow rollout of 3 replicas: %d s from the first new pod to the last ready one%n", rollout);
    }

    @Test
    @Order(5)
    void aStuckRolloutFailsUpWithTheDeploymentsReasonAndTheOldPodKeepsServing() throws IOException {
        // The provider reports the Deployment's reason but waits for the engine's whole timeout
        // (batches × deadline + 60 s): one replica keeps that to one batch. The count changes in
        // an up of its own, so that the stuck up changes the pod template only.
        String slow = "    " + READY_AFTER + ": 60s";
        staging("  mlapi:replicas: 1", "  mlapi:podAnnotations:", slow);
        up().assertOk("up staging with 1 replica");
        staging("  mlapi:replicas: 1", "  mlapi:podAnnotations:", "    " + READY_AFTER + ": 1h");
        Project.Result up = up();
        assertNotEquals(0, up.exitCode(), "up fails:\n" + up.output());
        assertTrue(up.output().contains("ProgressDeadlineExceeded"), "with the Deployment's reason:\n" + up.output());
        assertTrue(up.output().contains("has timed out progressing"), "and its message:\n" + up.output());
        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS);
        assertEquals(1, deployment.at("/status/availableReplicas").asInt(), "the old pod keeps serving: " + deployment.at("/status"));

        staging("  mlapi:replicas: 1", "  mlapi:podAnnotations:", slow);
        up().assertOk("up staging with the version that became ready");
    }

    private static int replicas() {
        return project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS).at("/spec/replicas").asInt();
    }

    /** The field managers that own the Deployment's spec.replicas. */
    private static Set<String> replicasManagers() {
        Set<String> managers = new TreeSet<>();
        for (JsonNode entry : project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS, "--show-managed-fields").at("/metadata/managedFields")) {
            if (entry.at("/fieldsV1/f:spec").has("f:replicas")) {
                managers.add(entry.get("manager").asText());
            }
        }
        return managers;
    }

    private static JsonNode inferencePods() {
        return project.kubectlJson("get", "pods", "-n", NS, "-l", "app.kubernetes.io/component=inference").get("items");
    }

    private static Instant readySince(JsonNode pod) {
        for (JsonNode condition : pod.at("/status/conditions")) {
            if (condition.get("type").asText().equals("Ready") && condition.get("status").asText().equals("True")) {
                return Instant.parse(condition.get("lastTransitionTime").asText());
            }
        }
        throw new AssertionError("not ready: " + pod.at("/metadata/name").asText());
    }

    /** Every value of the Deployment's spec.replicas from now on, from a kubectl watch. */
    private record ReplicaWatch(Process process, Path out) implements AutoCloseable {
        static ReplicaWatch start() throws IOException, InterruptedException {
            Path out = Files.createTempFile(project.dir, "replicas", ".txt");
            Process p = new ProcessBuilder("kubectl", "--kubeconfig", project.home.resolve("cluster/kubeconfig").toString(),
                    "get", "deployment", "sentiment-api", "-n", NS, "--watch", "-o", "jsonpath={.spec.replicas}{\"\\n\"}")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
            // The watch has started once it printed the current value.
            for (int i = 0; i < 100 && Files.size(out) == 0; i++) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertTrue(Files.size(out) > 0, "the watch printed the current count");
            return new ReplicaWatch(p, out);
        }

        List<Integer> values() throws IOException {
            assertTrue(process.isAlive(), "the watch ran the whole time: " + Files.readString(out));
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> Integer.parseInt(l.strip())).toList();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
