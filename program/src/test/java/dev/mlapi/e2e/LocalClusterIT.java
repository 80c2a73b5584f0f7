package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real engine, provider and API server: a copy of the project brings its stacks up on a
 * local cluster it starts itself, from empty state. What is checked is read back from the
 * cluster with kubectl, not from the program. dev's pods are real (the reference API on the
 * cluster's real node); staging's and production's run on simulated nodes, where kwok marks them
 * running and ready, so for them readiness means scheduled, not that a container ran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    private static final JsonMapper JSON = new JsonMapper();
    private static final String DEV_NS = "sentiment-api-dev";
    private static final String LOCAL_IMAGE = "registry.mlapi.local/mlapi/reference-api";
    private static final int PORT = Project.port(26443);
    private static Project project;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("e2e", PORT);
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    @Test
    @Order(1)
    void aConfigErrorAbortsUpBeforeAnythingIsCreated() throws IOException {
        String good = project.read("Pulumi.dev.yaml");
        project.write("Pulumi.dev.yaml", good.replace("mlapi:env:", "mlapi:replicas: -1\n  mlapi:env:"));
        Project.Result result = project.mlapi("up", "dev");
        project.write("Pulumi.dev.yaml", good);

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("[dev] mlapi:replicas: must not be negative"), result.output());
        assertEquals(List.of(), names(project.kubectlJson("get", "namespaces")).stream().filter(n -> n.startsWith("sentiment-api")).toList());
    }

    @Test
    @Order(2)
    void upCreatesEveryObjectAndTheApiBecomesAvailable() {
        Project.Result up = project.mlapi("up", "dev").assertOk("up dev");

        JsonNode ns = project.kubectlJson("get", "namespace", DEV_NS);
        assertEquals("restricted", ns.at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText());
        assertEquals(Set.of("sentiment-api"), Set.copyOf(names(project.kubectlJson("get", "serviceaccounts", "-n", DEV_NS, "-l", "app.kubernetes.io/managed-by=pulumi"))));

        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", DEV_NS);
        assertEquals(1, deployment.at("/status/availableReplicas").asInt(), deployment.at("/status").toString());
        assertTrue(deployment.at("/spec/template/spec/containers/0/image").asText().startsWith(LOCAL_IMAGE + "@sha256:"),
                "dev runs the newest local build by digest: " + deployment.at("/spec/template/spec/containers/0/image"));
        assertTrue(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean());

        JsonNode endpoints = project.kubectlJson("get", "endpoints", "sentiment-api", "-n", DEV_NS);
        assertEquals(1, endpoints.at("/subsets/0/addresses").size(), endpoints.toString());
        assertEquals(8080, endpoints.at("/subsets/0/ports/0/port").asInt());

        JsonNode jobs = project.kubectlJson("get", "jobs", "-n", DEV_NS, "-l", "app.kubernetes.io/component=connection-test");
        assertEquals(1, jobs.get("items").size());
        assertEquals(1, jobs.at("/items/0/status/succeeded").asInt(), jobs.toString());

        JsonNode outputs = outputs("dev");
        assertEquals(DEV_NS, outputs.get("namespace").asText());
        assertEquals("http://sentiment-api.sentiment-api-dev.svc", outputs.get("url").asText());
        assertEquals(deployment.at("/spec/template/spec/containers/0/image").asText(), outputs.get("image").asText());
        assertTrue(up.output().contains("portForwardCommand"), "up prints the stack outputs");
    }

    @Test
    @Order(3)
    void aSecretReachesTheClusterAndNothingElseAndRotatesByItself() throws IOException {
        String sentinel = "sentinel-" + java.util.UUID.randomUUID();
        project.mlapiWithInput(sentinel, "pulumi", "config", "set", "--secret", "--stack", "dev", "mlapi:modelRegistryToken").assertOk("config set");
        Project.Result up = project.mlapi("up", "dev").assertOk("up dev with a secret");

        assertEquals(List.of(), project.placesHolding(sentinel, "dev", up.output()));

        JsonNode secret = secretOfDeployment();
        assertEquals(sentinel, new String(java.util.Base64.getDecoder().decode(secret.at("/data/model-registry-token").asText())),
                "the cluster's Secret holds the value");

        // Rotation: a new value, one up, and the pods run on a new Secret without any other step.
        String oldName = secret.at("/metadata/name").asText();
        project.mlapiWithInput(sentinel + "-rotated", "pulumi", "config", "set", "--secret", "--stack", "dev", "mlapi:modelRegistryToken").assertOk("rotate");
        project.mlapi("up", "dev").assertOk("up dev after rotation");
        JsonNode rotated = secretOfDeployment();
        assertNotEquals(oldName, rotated.at("/metadata/name").asText());
        assertEquals(sentinel + "-rotated", new String(java.util.Base64.getDecoder().decode(rotated.at("/data/model-registry-token").asText())));
        assertNotEquals(0, project.kubectl("get", "secret", oldName, "-n", DEV_NS).exitCode(), "the old Secret is gone");
        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", DEV_NS);
        assertEquals(1, deployment.at("/status/updatedReplicas").asInt(), deployment.at("/status").toString());
    }

    private static JsonNode secretOfDeployment() {
        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", DEV_NS);
        String name = null;
        for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
            if (volume.has("secret")) {
                name = volume.at("/secret/secretName").asText();
            }
        }
        return project.kubectlJson("get", "secret", name, "-n", DEV_NS);
    }

    @Test
    @Order(4)
    void aSecondPreviewFindsNothingToChange() {
        project.mlapi("preview", "dev", "--expect-no-changes").assertOk("preview --expect-no-changes");
    }

    @Test
    @Order(5)
    void aNewBuildUpdatesTheDeploymentAndRerunsTheConnectionTest() throws IOException {
        project.changeTheReferenceApi();
        JsonNode old = project.kubectlJson("get", "deployment", "sentiment-api", "-n", DEV_NS);
        String oldGeneration = old.at("/status/observedGeneration").asText();
        String oldImage = old.at("/spec/template/spec/containers/0/image").asText();
        int replicaSetsBefore = project.kubectlJson("get", "replicasets", "-n", DEV_NS).get("items").size();

        Project.Result preview = project.mlapi("preview", "dev", "--json").assertOk("preview --json");
        Set<String> changes = new TreeSet<>();
        JsonNode steps = json(preview.output()).get("steps");
        steps.forEach(s -> {
            String urn = s.get("urn").asText();
            if (!s.get("op").asText().equals("same")) {
                String type = urn.substring(urn.lastIndexOf('$') + 1, urn.lastIndexOf("::"));
                changes.add(s.get("op").asText() + " " + urn.substring(urn.lastIndexOf("::") + 2) + " " + type);
            }
        });
        assertTrue(changes.contains("update sentiment-api kubernetes:apps/v1:Deployment"), changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.startsWith("create ") && c.contains("sentiment-api-test-")), changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.startsWith("delete ") && c.contains("sentiment-api-test-")), changes.toString());
        assertEquals(3, changes.size(), "only the Deployment and the test Job change: " + changes);

        project.mlapi("up", "dev").assertOk("up dev with a new build");
        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", DEV_NS);
        String image = deployment.at("/spec/template/spec/containers/0/image").asText();
        assertTrue(image.startsWith(LOCAL_IMAGE + "@sha256:") && !image.equals(oldImage), "the new build, by digest: " + image);
        assertNotEquals(oldGeneration, deployment.at("/status/observedGeneration").asText());
        assertEquals(1, deployment.at("/status/updatedReplicas").asInt());
        assertEquals("main", deployment.at("/spec/template/metadata/labels/app.kubernetes.io~1version").asText(), "the tag it follows");
        JsonNode replicaSets = project.kubectlJson("get", "replicasets", "-n", DEV_NS);
        assertEquals(replicaSetsBefore + 1, replicaSets.get("items").size(), "the rollout made a new ReplicaSet");
    }

    @Test
    @Order(6)
    void renderWritesManifestsTheApiServerAcceptsAndAppliesNothing() throws IOException {
        Path out = project.dir.resolve("rendered-production");
        project.mlapiWithTestPassphrase("render", "production", out.toString()).assertOk("render production");

        List<String> files;
        try (var list = Files.list(out.resolve("1-manifest"))) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        // No Namespace: production's exists before the stack, as it holds the model-weights claim.
        assertEquals(8, files.size(), files.toString());
        assertTrue(files.stream().noneMatch(f -> f.startsWith("v1-namespace-")), files.toString());
        String deployment = Files.readString(out.resolve("1-manifest/apps_v1-deployment-sentiment-api-production-sentiment-api.yaml"));
        assertTrue(deployment.contains("image: ghcr.io/acme/sentiment-api@sha256:4b5e1a0c9d8f7e6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"), deployment);
        assertFalse(names(project.kubectlJson("get", "namespaces")).contains("sentiment-api-production"), "render created nothing");
        assertFalse(Files.readString(project.dir.resolve("Pulumi.production.yaml")).contains("renderYamlToDirectory"),
                "the stack file is left as it was");
    }

    @Test
    @Order(7)
    void stagingAndProductionComeUpSideBySide() throws IOException {
        // Production expects its namespace and model-weights claim to exist (made by the platform team).
        project.kubectl("create", "namespace", "sentiment-api-production").assertOk("create namespace");
        Files.writeString(project.dir.resolve("claim.yaml"), """
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: sentiment-model-weights}
                spec:
                  capacity: {storage: 20Gi}
                  accessModes: [ReadOnlyMany]
                  hostPath: {path: /var/lib/models}
                  claimRef: {namespace: sentiment-api-production, name: sentiment-model-weights}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: sentiment-model-weights, namespace: sentiment-api-production}
                spec:
                  accessModes: [ReadOnlyMany]
                  storageClassName: ""
                  volumeName: sentiment-model-weights
                  resources: {requests: {storage: 20Gi}}
                """);
        project.kubectl("apply", "-f", "claim.yaml").assertOk("apply claim");

        project.mlapiWithTestPassphrase("up", "staging").assertOk("up staging");
        project.mlapiWithTestPassphrase("up", "production").assertOk("up production");

        for (String stack : List.of("dev", "staging", "production")) {
            JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", "sentiment-api-" + stack);
            assertTrue(deployment.at("/status/availableReplicas").asInt() >= 1, stack + ": " + deployment.at("/status"));
        }
        assertEquals(1, project.kubectlJson("get", "pdb", "-n", "sentiment-api-staging").get("items").size());
        assertEquals(1, project.kubectlJson("get", "ingress", "-n", "sentiment-api-staging").get("items").size());
        Project.Result check = project.mlapiWithTestPassphrase("check-promotion", "staging", "production");
        assertNotEquals(0, check.exitCode(), "production runs a digest staging never ran");
        assertTrue(check.output().contains("but staging ran ghcr.io/acme/sentiment-api@sha256:9f2c1e7d"), check.output());
        JsonNode hpa = project.kubectlJson("get", "hpa", "sentiment-api", "-n", "sentiment-api-production");
        assertEquals(3, hpa.at("/spec/minReplicas").asInt());
        JsonNode pods = project.kubectlJson("get", "pods", "-n", "sentiment-api-production", "-l", "app.kubernetes.io/component=inference");
        for (JsonNode pod : pods.get("items")) {
            assertTrue(pod.at("/spec/nodeName").asText().startsWith("gpu-"), "GPU pods land on GPU nodes: " + pod.at("/spec/nodeName"));
        }
    }

    /**
     * The daily drift check (preview --refresh --expect-no-changes) after a deployment finds
     * nothing: the finished connection-test Jobs have no TTL that would delete them behind the
     * engine (with one, the refresh dropped the Job from the state and the preview planned to
     * create it). The wait is longer than a short TTL's would be.
     */
    @Test
    @Order(200)
    void theDriftCheckFindsNothingAfterTheConnectionTestsFinished() throws InterruptedException {
        for (String stack : List.of("dev", "staging", "production")) {
            JsonNode job = onlyConnectionTestJob(stack);
            assertEquals(1, job.at("/status/succeeded").asInt(), stack + ": " + job.at("/status"));
            assertFalse(job.at("/spec").has("ttlSecondsAfterFinished"), stack + ": the Job has a TTL: " + job.at("/spec/ttlSecondsAfterFinished"));
        }
        // Production's API is on GPU nodes; its test needs none and goes to a plain node.
        JsonNode testPods = project.kubectlJson("get", "pods", "-n", "sentiment-api-production", "-l", "app.kubernetes.io/component=connection-test");
        assertEquals(1, testPods.get("items").size(), testPods.toString());
        assertTrue(testPods.at("/items/0/spec/nodeName").asText().startsWith("cpu-"), "the test pod is on " + testPods.at("/items/0/spec/nodeName"));
        Thread.sleep(15_000);
        for (String stack : List.of("dev", "staging", "production")) {
            String[] preview = {"preview", stack, "--refresh", "--expect-no-changes"};
            (stack.equals("dev") ? project.mlapi(preview) : project.mlapiWithTestPassphrase(preview)).assertOk(stack + ": preview --refresh --expect-no-changes");
            assertEquals(1, project.kubectlJson("get", "jobs", "-n", "sentiment-api-" + stack, "-l", "app.kubernetes.io/component=connection-test")
                    .get("items").size(), stack + ": the finished Job is still there");
        }
    }

    private static JsonNode onlyConnectionTestJob(String stack) {
        JsonNode jobs = project.kubectlJson("get", "jobs", "-n", "sentiment-api-" + stack, "-l", "app.kubernetes.io/component=connection-test");
        assertEquals(1, jobs.get("items").size(), stack + ": " + names(jobs));
        return jobs.get("items").get(0);
    }

    @Test
    @Order(900)
    void destroyLeavesNoneOfOurObjects() {
        project.mlapiWithTestPassphrase("destroy", "production").assertOk("destroy production");
        project.mlapiWithTestPassphrase("destroy", "staging").assertOk("destroy staging");
        project.mlapi("destroy", "dev").assertOk("destroy dev");

        JsonNode left = project.kubectlJson("get", "all,serviceaccounts,pdb,ingress,hpa,configmaps", "--all-namespaces",
                "-l", "app.kubernetes.io/managed-by=pulumi");
        assertEquals(0, left.get("items").size(), left.toString());
        List<String> namespaces = names(project.kubectlJson("get", "namespaces"));
        assertFalse(namespaces.contains(DEV_NS), namespaces.toString());
        assertFalse(namespaces.contains("sentiment-api-staging"), namespaces.toString());
    }

    @Test
    @Order(901)
    void clusterDownLeavesNoProcesses() throws IOException {
        List<Long> pids = new ArrayList<>();
        // Each process has a pid file; beside it, its identity (.id, .argv) for cluster down's check.
        try (var files = Files.newDirectoryStream(project.home.resolve("cluster/run"), "*.pid")) {
            for (Path f : files) {
                pids.add(Long.parseLong(Files.readString(f).trim()));
            }
        }
        assertEquals(12, pids.size(), "the control plane (5), the registry and the real node's processes (6) were running");
        project.mlapi("cluster", "down").assertOk("cluster down");
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs");
        }
        assertFalse(project.mlapi("cluster", "status").exitCode() == 0);
    }

    private static JsonNode outputs(String stack) {
        return json(project.mlapi("output", stack, "--json").assertOk("stack output").output());
    }

    private static JsonNode json(String text) {
        try {
            // The document starts on a line of its own; build progress before it may hold braces too.
            java.util.regex.Matcher start = java.util.regex.Pattern.compile("(?m)^\\{").matcher(text);
            return JSON.readTree(text.substring(start.find() ? start.start() : 0));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
        return names;
    }
}
