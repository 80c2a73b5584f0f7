package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dev stack on the local cluster's real node: every pod of the dev namespace here is a real
 * process (the reference API under runc), so probes, the connection test, rollouts and the
 * restricted profile meet a running server. Traffic goes to loopback (port-forward) or to the
 * Service address inside the node's own network namespace; each request loop is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealPodsIT {
    private static final JsonMapper JSON = new JsonMapper();
    private static final String NS = "sentiment-api-dev";
    private static final int PORT = Project.port(24443);
    private static final String CONNECTION_TEST_IMAGE = "registry.mlapi.local/mlapi/connection-test";
    private static String connectionTestDigest;
    private static Project project;
    private static String stackFile;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("real-pods", PORT);
        stackFile = project.read("Pulumi.dev.yaml");
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    /** The dev stack with extra lines under mlapi:env (the reference API's settings and switches). */
    private static void devWithEnv(String... lines) throws IOException {
        StringBuilder env = new StringBuilder("  mlapi:env:\n");
        for (String line : lines) {
            env.append("    ").append(line).append('\n');
        }
        project.write("Pulumi.dev.yaml", stackFile.replace("  mlapi:env:\n", env.toString()));
    }

    @Test
    @Order(1)
    void upRunsTheApiOnTheRealNodeUnderTheRestrictedProfileAndAnswersAPrediction() {
        Project.Result up = project.mlapi("up", "dev").assertOk("up dev");
        assertTrue(up.output().contains("Answer: {\"label\":\"positive\""), "up ends with a real prediction:\n" + up.output());

        JsonNode pod = onlyApiPod();
        assertEquals("real-node", pod.at("/spec/nodeName").asText());
        assertTrue(pod.at("/spec/containers/0/image").asText().startsWith("registry.mlapi.local/mlapi/reference-api@sha256:"),
                "dev runs the reference API by digest: " + pod.at("/spec/containers/0/image"));
        JsonNode status = pod.at("/status/containerStatuses/0");
        assertTrue(status.at("/ready").asBoolean(), status.toString());
        assertEquals(0, status.at("/restartCount").asInt(), status.toString());
        assertTrue(status.at("/imageID").asText().contains("@sha256:"), status.toString());

        // What the process itself sees: not root, a read-only root, a writable /tmp.
        String name = pod.at("/metadata/name").asText();
        String seen = project.kubectl("exec", "-n", NS, name, "-c", "api", "--", "python3", "-c", """
                import os
                print("uid", os.getuid(), "gid", os.getgid())
                try:
                    open("/written", "w")
                    print("root writable")
                except OSError as e:
                    print("root read-only", e.errno)
                open("/tmp/written", "w").write("x")
                print("tmp writable")
                """).assertOk("exec in the API's container").output();
        assertTrue(seen.contains("uid 10001 gid 10001"), seen);
        assertTrue(seen.contains("root read-only 30"), "EROFS: " + seen);
        assertTrue(seen.contains("tmp writable"), seen);

        String logs = project.kubectl("logs", "-n", NS, "deployment/sentiment-api", "-c", "api").assertOk("kubectl logs").output();
        assertTrue(logs.contains("model loaded"), "kubectl logs shows the API's own logs:\n" + logs);
    }

    @Test
    @Order(2)
    void theConnectionTestCallsTheServiceByItsDnsNameFromItsOwnImage() {
        JsonNode jobs = project.kubectlJson("get", "jobs", "-n", NS, "-l", "app.kubernetes.io/component=connection-test");
        assertEquals(1, jobs.get("items").size(), jobs.toString());
        assertEquals(1, jobs.at("/items/0/status/succeeded").asInt(), jobs.toString());
        String job = jobs.at("/items/0/metadata/name").asText();
        // The test's own image, the build up pushed, by digest; not the API's, which needs no HTTP client for it.
        String image = jobs.at("/items/0/spec/template/spec/containers/0/image").asText();
        assertEquals(CONNECTION_TEST_IMAGE + "@" + builtConnectionTestDigest(), image);
        JsonNode testPod = project.kubectlJson("get", "pods", "-n", NS, "-l", "job-name=" + job).at("/items/0");
        assertTrue(testPod.at("/status/containerStatuses/0/imageID").asText().endsWith(builtConnectionTestDigest()), testPod.at("/status").toString());
        assertFalse(testPod.at("/spec/containers/0").has("command"), "the image's own entrypoint runs");
        assertFalse(onlyApiPod().at("/status/containerStatuses/0/imageID").asText().endsWith(builtConnectionTestDigest()));
        String logs = project.kubectl("logs", "-n", NS, "job/" + job).assertOk("connection test logs").output();
        assertTrue(logs.contains("connection-test: PASS http://sentiment-api.sentiment-api-dev.svc/selftest answered 200"), logs);
        // The API saw the call: its access log has a request that did not come from the kubelet's probes.
        String apiLogs = project.kubectl("logs", "-n", NS, "deployment/sentiment-api", "-c", "api").output();
        assertTrue(apiLogs.contains(testPod.at("/status/podIP").asText()), "the test pod's address is in the API's access log:\n" + apiLogs);
    }

    @Test
    @Order(3)
    void theRunningProcessReadsTheStackSecretFromItsFile() throws Exception {
        String sentinel = "sentinel-" + UUID.randomUUID();
        devWithEnv("MLAPI_TEST_SWITCHES: reveal-secret-hash");
        project.mlapiWithInput(sentinel, "pulumi", "config", "set", "--secret", "--stack", "dev", "mlapi:modelRegistryToken").assertOk("config set");
        Project.Result up = project.mlapi("up", "dev").assertOk("up dev with a secret");

        String answer = inNode("curl", "-sf", "--max-time", "5", "http://" + clusterIp() + "/debug/secret-sha256").output();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sentinel.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, JSON.readTree(answer).get("sha256").asText(), "the process read the value from its file");
        assertFalse(up.output().contains(sentinel));
        assertFalse(project.kubectl("logs", "-n", NS, "deployment/sentiment-api", "-c", "api").output().contains(sentinel),
                "the API never logs the value");
    }

    @Test
    @Order(4)
    void aRollingUpdateOfTheImageUnderLoadDropsNoRequest() throws Exception {
        project.changeTheReferenceApi();
        JsonNode before = onlyApiPod();
        Load load = Load.start(clusterIp(), 20, 120, 2400);
        project.mlapi("up", "dev").assertOk("up dev under load");
        JsonNode result = load.finish();

        JsonNode after = onlyApiPod();
        assertNotEquals(before.at("/metadata/name").asText(), after.at("/metadata/name").asText(), "the pod was replaced");
        assertNotEquals(before.at("/spec/containers/0/image").asText(), after.at("/spec/containers/0/image").asText(), "by a new image");
        assertTrue(result.get("sent").asInt() >= 20, result.toString());
        assertEquals(0, result.get("failed").asInt(), "no request failed during the rollout: " + result);
        System.out.printf("rolling update under load: %d requests, %d failed, p50 %s ms, p99 %s ms%n",
                result.get("sent").asInt(), result.get("failed").asInt(), result.get("p50_ms"), result.get("p99_ms"));
    }

    @Test
    @Order(5)
    void aVersionThatCannotStartFailsUpAndTheOldOneKeepsServing() throws Exception {
        String serving = onlyApiPod().at("/metadata/name").asText();
        Load load = Load.start(clusterIp(), 10, 240, 2400);
        // The reference API refuses an unknown test switch and exits, as a broken build would.
        upFailsWithTheDeploymentsReason("MLAPI_TEST_SWITCHES: no-such-switch");
        JsonNode result = load.finish();

        assertEquals(0, result.get("failed").asInt(), "the old version kept serving: " + result);
        List<String> running = new ArrayList<>();
        for (JsonNode pod : apiPods()) {
            if (pod.at("/status/containerStatuses/0/ready").asBoolean() && !pod.at("/metadata").has("deletionTimestamp")) {
                running.add(pod.at("/metadata/name").asText());
            }
        }
        assertEquals(List.of(serving), running, "only the old pod is ready");
        backToTheGoodVersion();
    }

    @Test
    @Order(6)
    void aModelLoadLongerThanTheLivenessBudgetButWithinTheStartupBudgetComesUpWithoutARestart() throws IOException {
        // Liveness gives up after 6 × 10 s; the startup probe allows modelLoadTimeoutSeconds (180 s).
        devWithEnv("MODEL_LOAD_DELAY_SECONDS: \"75\"");
        project.mlapi("up", "dev").assertOk("up dev with a 75 s model load");
        JsonNode status = onlyApiPod().at("/status/containerStatuses/0");
        assertTrue(status.at("/ready").asBoolean(), status.toString());
        assertEquals(0, status.at("/restartCount").asInt(), "the slow load was not taken for a hung process: " + status);
    }

    @Test
    @Order(7)
    void aModelLoadBeyondTheStartupBudgetFailsUpWithTheProbesReason() throws IOException {
        upFailsWithTheDeploymentsReason("MODEL_LOAD_DELAY_SECONDS: \"300\"");
        String events = project.kubectl("get", "events", "-n", NS, "--field-selector", "reason=Unhealthy").output();
        assertTrue(events.contains("Startup probe failed"), "the kubelet killed the pod for its startup probe:\n" + events);
        backToTheGoodVersion();
    }

    @Test
    @Order(8)
    void theConnectionTestFailsUpWhenTheApiAnswers500ThroughTheService() throws IOException {
        // The probes pass (they do not run the model); only a call through the Service shows the fault.
        devWithEnv("MLAPI_TEST_SWITCHES: fail-predict");
        Project.Result up = project.mlapi("up", "dev");
        assertNotEquals(0, up.exitCode(), "up fails:\n" + up.output());
        assertTrue(up.output().contains("sentiment-api-test-"), "the failing object is the connection test:\n" + up.output());
        String logs = project.kubectl("logs", "-n", NS, "-l", "app.kubernetes.io/component=connection-test", "--tail", "20").output();
        // At once, with the API's own words: a 500 is not worth waiting for.
        assertTrue(logs.contains("/selftest answered 500 on attempt 1 after"), "the test saw the API's 500:\n" + logs);
        assertTrue(logs.contains("prediction failed (fail-predict test switch)"), "with the start of the body:\n" + logs);
        backToTheGoodVersion();
    }

    @Test
    @Order(9)
    void promoteTakesTheDigestTheRealPodRuns() throws IOException {
        String running = onlyApiPod().at("/status/containerStatuses/0/imageID").asText();
        String digest = running.substring(running.indexOf('@') + 1);
        // A staging stack on the same registry as dev, so the digest can move between them.
        String staging = project.read("Pulumi.staging.yaml");
        project.write("Pulumi.staging.yaml", staging.replace("repository: ghcr.io/acme/sentiment-api", "repository: registry.mlapi.local/mlapi/reference-api"));
        project.mlapi("promote", "dev", "staging").assertOk("promote dev staging");
        assertTrue(project.read("Pulumi.staging.yaml").contains("digest: " + digest), "staging now names the digest dev's pod runs: " + digest);
        project.write("Pulumi.staging.yaml", staging);
    }

    /**
     * The build is reproducible: the digest up pushed is the one the defaults name for the local
     * cluster and that staging and production name where it is published. The image is one
     * layer holding the program alone: nothing of the API's image, no shell, no Python.
     */
    @Test
    @Order(200)
    void theConnectionTestImageIsOneProgramWhoseDigestTheCommittedConfigNames() throws Exception {
        String digest = builtConnectionTestDigest();
        String defaults = project.read("component/src/main/resources/dev/mlapi/components/defaults.yaml");
        assertTrue(defaults.contains("image: " + CONNECTION_TEST_IMAGE + "@" + digest), "defaults.yaml names the build " + digest);
        for (String stack : List.of("staging", "production")) {
            assertTrue(project.read("Pulumi." + stack + ".yaml").contains("image: ghcr.io/acme/mlapi-connection-test@" + digest),
                    stack + " names the published build " + digest);
        }
        String registry = "http://127.0.0.1:" + (PORT + 4) + "/v2/mlapi/connection-test/";
        JsonNode manifest = JSON.readTree(get(registry + "manifests/" + digest, "application/vnd.oci.image.manifest.v1+json"));
        assertEquals(1, manifest.get("layers").size(), manifest.toString());
        Path layer = project.dir.resolve("connection-test-layer.tar.gz");
        Files.write(layer, getBytes(registry + "blobs/" + manifest.at("/layers/0/digest").asText()));
        assertEquals("connection-test", run("tar", "-tzf", layer.toString()).strip(), "the layer holds the program alone");
        JsonNode config = JSON.readTree(get(registry + "blobs/" + manifest.at("/config/digest").asText(), "*/*"));
        assertEquals("[\"/connection-test\"]", config.at("/config/Entrypoint").toString());
    }

    /**
     * No endpoint behind the Service (no replica): the test retries until its own timeout,
     * counted from its start, and fails with its own last line, before the Job's deadline. The
     * replicas go first, without the test: a terminating pod still serves while it drains.
     */
    @Test
    @Order(201)
    void whileTheServiceAnswers503TheTestRetriesUntilItsOwnTimeoutAndSaysSo() throws Exception {
        try {
            unavailableUntilItsOwnTimeout();
        } finally {
            backToTheGoodVersion();
        }
    }

    /**
     * Pods ready by their probes (on /healthz) while the path the test asks for answers 503, as a
     * Service does before its endpoints settle: the test keeps asking until its own timeout.
     */
    private static void unavailableUntilItsOwnTimeout() throws Exception {
        project.write("Pulumi.dev.yaml", stackFile
                .replace("  mlapi:env:\n", "  mlapi:env:\n    MLAPI_TEST_SWITCHES: fail-ready\n")
                .replace("    startupPath: /ready", "    startupPath: /healthz\n    readinessPath: /healthz")
                .replace("  mlapi:connectionTest:\n    path: /selftest", "  mlapi:connectionTest:\n    path: /ready\n    timeoutSeconds: 30"));
        Project.Result up = project.mlapi("up", "dev");
        assertNotEquals(0, up.exitCode(), "up fails:\n" + up.output());
        assertTrue(up.output().contains("sentiment-api-test-"), "the failing object is the connection test:\n" + up.output());
        JsonNode failed = null;
        for (JsonNode job : project.kubectlJson("get", "jobs", "-n", NS, "-l", "app.kubernetes.io/component=connection-test").get("items")) {
            if (job.at("/status/failed").asInt() > 0) {
                failed = job;
            }
        }
        assertTrue(failed != null, "a failed connection-test Job");
        assertEquals(150, failed.at("/spec/activeDeadlineSeconds").asInt(), "30 s for the program, 120 s to schedule and pull");
        String reasons = failed.at("/status/conditions").toString();
        assertFalse(reasons.contains("DeadlineExceeded"), "the program ended it, not the Job's deadline: " + reasons);
        String logs = project.kubectl("logs", "-n", NS, "job/" + failed.at("/metadata/name").asText()).assertOk("test logs").output();
        assertTrue(logs.contains("connection-test: attempt 2 after"), "it asked again:\n" + logs);
        assertTrue(logs.contains("/ready did not answer 200 within 30s"), logs);
    }

    @Test
    @Order(300)
    void anArbitraryUidWithoutAHomeWritesTheModelCacheAndItsHome() throws IOException {
        // A UID the image has no passwd entry for, as platforms assign: the runtime gives it HOME=/ on the read-only root.
        project.write("Pulumi.dev.yaml", stackFile.replace("config:\n",
                "config:\n  mlapi:securityContext: {runAsUser: 1000770000, runAsGroup: 1000770000, fsGroup: 1000770000}\n"));
        project.mlapi("up", "dev").assertOk("up dev as an arbitrary UID");
        String name = onlyApiPod().at("/metadata/name").asText();
        // Hugging Face's own rule for its cache, where the reference API writes at model load.
        String seen = project.kubectl("exec", "-n", NS, name, "-c", "api", "--", "python3", "-c", """
                import os, pwd
                try:
                    pwd.getpwuid(os.getuid())
                except KeyError:
                    print("uid", os.getuid(), "has no passwd entry")
                home = os.environ["HOME"]
                hf = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "huggingface")
                print("model cache", hf, "written" if os.path.isfile(os.path.join(hf, "mlapi-reference", "model.sha256")) else "missing")
                try:
                    open(os.path.join(home, ".written"), "w").write("x")
                    print("home", home, "writable")
                except OSError as e:
                    print("home", home, "not writable", e.errno)
                """).assertOk("exec in the API's container").output();
        assertTrue(seen.contains("uid 1000770000 has no passwd entry"), seen);
        assertTrue(seen.matches("(?s).*model cache \\S+ written.*"), "the model load wrote its cache: " + seen);
        assertTrue(seen.matches("(?s).*home \\S+ writable.*"), seen);
        String logs = project.kubectl("logs", "-n", NS, "deployment/sentiment-api", "-c", "api").output();
        assertFalse(logs.contains("is not writable"), "no cache write failed:\n" + logs);
        backToTheGoodVersion();
    }

    @Test
    @Order(100)
    void aWorkerTooBusyToAnswerItsProbesLeavesTheServiceButIsNotRestarted() throws Exception {
        // Probes every 3 s. Readiness: 2 failures of 1 s. Liveness (twice as lenient: 4 failures of
        // a whole period) needs 9 s without an answer. busy-predict holds the process for 8 s
        // on a request that asks (?busy=1):
        // at least 2 readiness probes fail, at most 2 liveness probes do.
        project.write("Pulumi.dev.yaml", stackFile
                .replace("  mlapi:env:\n", "  mlapi:env:\n    MLAPI_TEST_SWITCHES: busy-predict\n")
                .replace("  mlapi:probes:\n", "  mlapi:probes:\n    periodSeconds: 3\n    timeoutSeconds: 1\n    failureThreshold: 2\n"));
        project.mlapi("up", "dev").assertOk("up dev with a worker that gets busy");
        JsonNode pod = onlyApiPod();
        String name = pod.at("/metadata/name").asText();
        String ip = pod.at("/status/podIP").asText();
        String started = pod.at("/status/containerStatuses/0/state/running/startedAt").asText();
        assertEquals(List.of(ip), endpointAddresses("addresses"), "in the Service before the busy request");

        Process busy = new ProcessBuilder("nsenter", "--net=/run/netns/" + project.nodeNetns(), "curl", "-s", "-o", "/dev/null",
                "-w", "%{http_code}", "--max-time", "60", "-H", "content-type: application/json", "-d", "{\"text\": \"great\"}",
                "http://" + ip + ":8080/predict?busy=1").redirectErrorStream(true).start();
        boolean leftTheService = false;
        for (int i = 0; i < 60 && !leftTheService; i++) {
            leftTheService = endpointAddresses("notReadyAddresses").contains(ip);
            TimeUnit.MILLISECONDS.sleep(250);
        }
        assertTrue(busy.waitFor(60, TimeUnit.SECONDS), "the busy request ends");
        assertEquals("200", new String(busy.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(), "and is answered");
        boolean back = false;
        for (int i = 0; i < 60 && !back; i++) {
            back = endpointAddresses("addresses").contains(ip);
            TimeUnit.MILLISECONDS.sleep(500);
        }

        assertTrue(leftTheService, "the busy pod was taken out of the Service's endpoints");
        assertTrue(back, "and came back once it answered again");
        // A liveness kill is decided while the process is silent and recorded at once as a
        // Killing event; the restart itself follows the preStop drain, later.
        int kills = 0;
        for (int i = 0; i < 30 && kills == 0; i++) {
            kills = project.kubectlJson("get", "events", "-n", NS, "--field-selector", "involvedObject.name=" + name + ",reason=Killing")
                    .get("items").size();
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertEquals(0, kills, "the kubelet did not kill the busy container");
        JsonNode after = onlyApiPod();
        assertEquals(name, after.at("/metadata/name").asText());
        JsonNode status = after.at("/status/containerStatuses/0");
        assertEquals(0, status.at("/restartCount").asInt(), "not restarted: " + status);
        assertEquals(started, status.at("/state/running/startedAt").asText(), "the same process: " + status);
        backToTheGoodVersion();
    }

    /** The Service's endpoint addresses of one kind: "addresses" (ready) or "notReadyAddresses". */
    private static List<String> endpointAddresses(String kind) {
        List<String> ips = new ArrayList<>();
        for (JsonNode subset : project.kubectlJson("get", "endpoints", "sentiment-api", "-n", NS).path("subsets")) {
            subset.path(kind).forEach(a -> ips.add(a.get("ip").asText()));
        }
        return ips;
    }

    @Test
    @Order(900)
    void destroyLeavesNoContainerRunning() {
        project.mlapi("destroy", "dev").assertOk("destroy dev");
        String containers = project.inNode("ctr", "--address", "/run/mlapi-node-" + PORT + "/containerd.sock", "--namespace", "k8s.io",
                "tasks", "list").assertOk("ctr tasks list").output();
        // Only the header line: no task of any pod is left.
        assertEquals(1, containers.strip().lines().count(), containers);
    }

    @Test
    @Order(901)
    void clusterDownLeavesNoProcessInterfaceOrMountEvenAfterContainerdCrashed() throws IOException {
        java.util.Set<String> namespacesBefore = networkNamespaces();
        project.mlapi("up", "dev").assertOk("up dev");
        // A crash of the runtime while pods run: its containers keep their network namespaces.
        String containerd = Files.readString(project.home.resolve("cluster/run/containerd.pid")).strip();
        run("kill", "-KILL", containerd);
        project.mlapi("cluster", "down").assertOk("cluster down");
        // Another cluster on the machine may make namespaces meanwhile; theirs hold a process, an
        // orphan of this node's pods would not.
        java.util.Set<String> left = networkNamespaces();
        left.removeAll(namespacesBefore);
        for (String namespace : left) {
            assertFalse(run("ip", "netns", "pids", namespace).isBlank(), namespace + " is left without a process");
        }
        String processes = run("pgrep", "-af", project.dir.toString());
        assertEquals("", processes.strip(), "no process of the cluster is left");
        assertFalse(run("ip", "netns", "list").contains(project.nodeNetns()), "the node's network namespace is gone");
        assertFalse(run("ip", "-br", "link").contains("mlapi" + PORT), "the veth pair is gone");
        assertFalse(run("findmnt", "-rn", "-o", "TARGET").contains(project.dir.toString()), "nothing stays mounted");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory/mlapi-" + PORT)), "the node's cgroups are gone");
    }

    /**
     * An up of a version that never becomes ready (the env line breaks it), with a 10 s startup
     * budget so that the rollout's progress deadline passes soon: up fails with that reason.
     */
    private static void upFailsWithTheDeploymentsReason(String envLine) throws IOException {
        project.write("Pulumi.dev.yaml", stackFile
                .replace("  mlapi:env:\n", "  mlapi:env:\n    " + envLine + "\n")
                .replace("modelLoadTimeoutSeconds: 180", "modelLoadTimeoutSeconds: 10"));
        Project.Result up = project.mlapi("up", "dev");
        assertNotEquals(0, up.exitCode(), "up fails:\n" + up.output());
        assertTrue(up.output().contains("ProgressDeadlineExceeded"), "with the Deployment's reason:\n" + up.output());
    }

    private static void backToTheGoodVersion() throws IOException {
        project.write("Pulumi.dev.yaml", stackFile);
        project.mlapi("up", "dev").assertOk("up dev with the good version again");
    }

    /** The one API pod that is not terminating (an old one may still drain after an up). */
    private static JsonNode onlyApiPod() {
        List<JsonNode> pods = new ArrayList<>();
        apiPods().forEach(p -> {
            if (!p.at("/metadata").has("deletionTimestamp")) {
                pods.add(p);
            }
        });
        assertEquals(1, pods.size(), () -> pods.stream().map(p -> p.at("/metadata/name").asText()).toList().toString());
        return pods.get(0);
    }

    /** The digest of the connection test's image as the project builds it now (a cached build costs a hash). */
    private static String builtConnectionTestDigest() {
        if (connectionTestDigest == null) {
            String out = project.mlapi("image", "connection-test").assertOk("image connection-test").output().strip();
            String last = out.substring(out.lastIndexOf('\n') + 1);
            assertTrue(last.matches("127\\.0\\.0\\.1:\\d+/mlapi/connection-test@sha256:[0-9a-f]{64}"), out);
            connectionTestDigest = last.substring(last.indexOf('@') + 1);
        }
        return connectionTestDigest;
    }

    private static String get(String url, String accept) throws IOException, InterruptedException {
        return new String(getBytes(url, accept), StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(String url) throws IOException, InterruptedException {
        return getBytes(url, "*/*");
    }

    /** One request to the cluster's registry on loopback. */
    private static byte[] getBytes(String url, String accept) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }

    private static JsonNode apiPods() {
        return project.kubectlJson("get", "pods", "-n", NS, "-l", "app.kubernetes.io/component=inference").get("items");
    }

    private static String clusterIp() {
        return project.kubectlJson("get", "service", "sentiment-api", "-n", NS).at("/spec/clusterIP").asText();
    }

    private static Project.Result inNode(String... args) {
        return project.inNode(args).assertOk(String.join(" ", args));
    }

    private static java.util.Set<String> networkNamespaces() throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>();
        run("ip", "netns", "list").lines().filter(l -> !l.isBlank()).forEach(l -> names.add(l.split(" ")[0]));
        return names;
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The bounded request loop of load.py, inside the node's network namespace, against the Service. */
    private record Load(Process process, Path stop) {
        static Load start(String serviceIp, int perSecond, int seconds, int limit) throws IOException {
            Path script = project.dir.resolve("load.py");
            try (InputStream in = RealPodsIT.class.getResourceAsStream("load.py")) {
                Files.write(script, in.readAllBytes());
            }
            Path stop = project.dir.resolve("load.stop");
            Files.deleteIfExists(stop);
            Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + project.nodeNetns(), "python3", script.toString(),
                    "http://" + serviceIp + "/predict", Integer.toString(perSecond), Integer.toString(seconds), Integer.toString(limit),
                    stop.toString()).redirectErrorStream(true).start();
            return new Load(p, stop);
        }

        JsonNode finish() throws IOException, InterruptedException {
            Files.writeString(stop, "");
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the request loop stops by itself");
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
        }
    }
}
