package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.ProgramUnderMocks.Registered;
import dev.mlapi.ProgramUnderMocks.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the program on each committed stack file under mocks and checks what it would ask the
 * engine to create. Expected values are read from the stack file itself or stated here, never
 * from the program's own config code.
 */
class CommittedStacksTest {
    private static final String DEPLOYMENT = "kubernetes:apps/v1:Deployment";
    private static final String SERVICE = "kubernetes:core/v1:Service";
    private static final String JOB = "kubernetes:batch/v1:Job";
    private static final String HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
    private static final String PDB = "kubernetes:policy/v1:PodDisruptionBudget";
    private static final String INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
    private static final String POD = "/spec/template/spec";
    private static final String CONTAINER = POD + "/containers/0";

    static Stream<String> committedStacks() throws IOException {
        try (Stream<Path> files = Files.list(ProgramUnderMocks.PROJECT)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("Pulumi\\.[^.]+\\.yaml"))
                    .map(n -> n.substring("Pulumi.".length(), n.length() - ".yaml".length()))
                    .sorted().toList().stream();
        }
    }

    @Test
    void everyEnvironmentHasACommittedStackFile() throws IOException {
        assertEquals(List.of("dev", "production", "staging"), committedStacks().toList());
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void everyStackDeploysTheImageOfItsStackFile(String stack) throws IOException {
        Run run = ProgramUnderMocks.run(stack);
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());

        JsonNode image = stackFile(stack).path("config").path("mlapi:image");
        String expected = image.path("repository").asText()
                + (image.has("digest") ? "@" + image.get("digest").asText() : ":" + image.get("tag").asText());
        assertEquals(expected, run.one(DEPLOYMENT).at(CONTAINER + "/image"));
        assertEquals(expected, run.output("image"));
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void everyStackCreatesItsObjectsInsideTheComponent(String stack) throws IOException {
        Run run = ProgramUnderMocks.run(stack);
        Registered component = run.one("mlapi:index:MlApi");
        List<Registered> kubernetes = run.resources().stream().filter(r -> r.type().startsWith("kubernetes:")).toList();
        assertTrue(kubernetes.size() >= 5, () -> run.types().toString());
        kubernetes.forEach(r -> assertEquals(component.urn(), r.parent(), r.type() + " is not parented to the component"));
        boolean createsNamespace = stackFile(stack).path("config").path("mlapi:namespace").path("create").asBoolean(true);
        assertEquals(createsNamespace ? 1 : 0, run.ofType("kubernetes:core/v1:Namespace").size(), "Namespace");
        for (String type : List.of("kubernetes:core/v1:ServiceAccount", DEPLOYMENT, SERVICE, JOB)) {
            assertEquals(1, run.ofType(type).size(), type);
        }
        String namespace = "sentiment-api-" + stack;
        kubernetes.stream().filter(r -> !r.type().equals("kubernetes:core/v1:Namespace"))
                .forEach(r -> assertEquals(namespace, r.at("/metadata/namespace"), r.type()));
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void everyPodRunsUnderTheRestrictedPodSecurityStandard(String stack) {
        Run run = ProgramUnderMocks.run(stack);
        for (String type : List.of(DEPLOYMENT, JOB)) {
            JsonNode pod = run.one(type).inputs().at(POD);
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), type);
            assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0, type);
            assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), type);
            assertFalse(pod.at("/automountServiceAccountToken").asBoolean(true), type);
            for (JsonNode container : pod.get("containers")) {
                JsonNode sc = container.get("securityContext");
                assertFalse(sc.get("allowPrivilegeEscalation").asBoolean(true), type);
                assertTrue(sc.get("readOnlyRootFilesystem").asBoolean(), type);
                assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString(), type);
                assertTrue(container.toString().contains("\"mountPath\":\"/tmp\""), type + " has no writable /tmp");
                assertTrue(container.has("resources"), type);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void aBusyReplicaLeavesTheServiceLongBeforeLivenessWouldRestartIt(String stack) {
        JsonNode container = ProgramUnderMocks.run(stack).one(DEPLOYMENT).inputs().at(CONTAINER);
        JsonNode liveness = container.get("livenessProbe");
        JsonNode readiness = container.get("readinessProbe");
        // Defaults: readiness 3 probes of 5 s every 10 s; liveness 6 probes of a whole period.
        assertEquals(3, readiness.get("failureThreshold").asInt());
        assertEquals(5, readiness.get("timeoutSeconds").asInt());
        assertEquals(6, liveness.get("failureThreshold").asInt());
        assertEquals(10, liveness.get("timeoutSeconds").asInt());
        assertEquals(readiness.get("periodSeconds").asInt(), liveness.get("periodSeconds").asInt());
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void startupProbeWaitsForTheModelLoadTimeout(String stack) throws IOException {
        JsonNode probes = stackFile(stack).path("config").path("mlapi:probes");
        int modelLoad = probes.path("modelLoadTimeoutSeconds").asInt(300);
        JsonNode container = ProgramUnderMocks.run(stack).one(DEPLOYMENT).inputs().at(CONTAINER);
        JsonNode startup = container.get("startupProbe");
        int allowed = startup.get("periodSeconds").asInt() * startup.get("failureThreshold").asInt();
        assertTrue(allowed >= modelLoad && allowed < modelLoad + startup.get("periodSeconds").asInt(),
                "startup probe allows " + allowed + "s for a " + modelLoad + "s model load");
        assertEquals(probes.path("startupPath").asText("/healthz"), startup.at("/httpGet/path").asText());
        assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("http", container.at("/readinessProbe/httpGet/port").asText());
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void labelsFollowTheRecommendedSetAndSelectorsIgnoreTheVersion(String stack) {
        Run run = ProgramUnderMocks.run(stack);
        Registered deployment = run.one(DEPLOYMENT);
        JsonNode labels = deployment.inputs().at("/metadata/labels");
        for (String key : List.of("name", "instance", "version", "component", "part-of", "managed-by")) {
            assertTrue(labels.has("app.kubernetes.io/" + key), key);
        }
        assertEquals("sentiment-api-" + stack, labels.get("app.kubernetes.io/instance").asText());
        JsonNode selector = deployment.inputs().at("/spec/selector/matchLabels");
        assertFalse(selector.has("app.kubernetes.io/version"));
        JsonNode podLabels = deployment.inputs().at("/spec/template/metadata/labels");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey()), e.getKey()));
        assertEquals(selector, run.one(SERVICE).inputs().at("/spec/selector"));
        assertFalse(run.one(SERVICE).inputs().at("/metadata/labels").has("app.kubernetes.io/version"),
                "a new image must not touch objects that do not run it");
        run.resources().stream().filter(r -> r.type().startsWith("kubernetes:"))
                .forEach(r -> assertTrue(r.at("/metadata/name").length() <= 63, r.type()));
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void connectionTestRunsAfterTheDeploymentAndIsNotServedTraffic(String stack) throws IOException {
        Run run = ProgramUnderMocks.run(stack);
        Registered job = run.one(JOB);
        assertTrue(job.dependencies().contains(run.one(DEPLOYMENT).urn()), "the test Job must wait for the Deployment");
        assertTrue(job.dependencies().contains(run.one(SERVICE).urn()), "the test Job must wait for the Service");
        JsonNode podLabels = job.inputs().at("/spec/template/metadata/labels");
        assertEquals("connection-test", podLabels.get("app.kubernetes.io/component").asText());
        JsonNode serviceSelector = run.one(SERVICE).inputs().at("/spec/selector");
        assertFalse(matches(serviceSelector, podLabels), "the Service would send traffic to the test pod");
        String service = "http://sentiment-api.sentiment-api-" + stack + ".svc";
        String path = stackFile(stack).path("config").path("mlapi:connectionTest").path("path").asText("/ready");
        assertEquals(service + path, job.at(CONTAINER + "/args/0"), "the test asks for connectionTest.path, else the readiness path");
        assertEquals(service, run.output("url"));
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void outputsTellHowToReachTheApi(String stack) {
        Run run = ProgramUnderMocks.run(stack);
        String namespace = "sentiment-api-" + stack;
        assertEquals(namespace, run.output("namespace"));
        assertEquals("sentiment-api", run.output("serviceName"));
        assertEquals("kubectl --namespace " + namespace + " port-forward service/sentiment-api 8080:80", run.output("portForwardCommand"));
        assertEquals("kubectl --namespace " + namespace + " logs deployment/sentiment-api --container api --follow", run.output("logsCommand"));
    }

    @Test
    void devIsOneSmallReplicaWithoutScalingOrBudget() {
        Run run = ProgramUnderMocks.run("dev");
        Registered deployment = run.one(DEPLOYMENT);
        assertEquals(1, deployment.inputs().at("/spec/replicas").asInt());
        assertEquals(List.of(), types(run, HPA, PDB, INGRESS));
        assertEquals(Map.of("cpu", "100m", "memory", "256Mi", "ephemeral-storage", "1Gi"), strings(deployment.inputs().at(CONTAINER + "/resources/requests")));
        assertEquals("Always", deployment.at(CONTAINER + "/imagePullPolicy"));
        assertEquals("2Gi", volume(deployment, "model-cache").at("/emptyDir/sizeLimit").asText());
        // The stack's own, then caches and a home on the model cache and /tmp, and threads for its 1-core limit.
        assertEquals(Map.ofEntries(Map.entry("LOG_LEVEL", "debug"), Map.entry("SECRET_FILE", "/var/run/secrets/registry/model-registry-token"),
                Map.entry("HOME", "/tmp"), Map.entry("XDG_CACHE_HOME", "/models/.cache"), Map.entry("HF_HOME", "/models/huggingface"),
                Map.entry("PYTHONDONTWRITEBYTECODE", "1"), Map.entry("OMP_NUM_THREADS", "1"), Map.entry("MKL_NUM_THREADS", "1"),
                Map.entry("OPENBLAS_NUM_THREADS", "1"), Map.entry("NUMEXPR_NUM_THREADS", "1")), env(deployment));
        assertEquals(180, deployment.inputs().at(CONTAINER + "/startupProbe/failureThreshold").asInt());
    }

    @ParameterizedTest
    @MethodSource("committedStacks")
    void everyPodDrainsBeforeSigtermWithinItsGracePeriod(String stack) {
        Registered deployment = ProgramUnderMocks.run(stack).one(DEPLOYMENT);
        List<String> preStop = new java.util.ArrayList<>();
        deployment.inputs().at(CONTAINER + "/lifecycle/preStop/exec/command").forEach(a -> preStop.add(a.asText()));
        assertEquals(List.of("sleep", "10"), preStop);
        assertEquals(45, deployment.inputs().at(POD + "/terminationGracePeriodSeconds").asInt());
    }

    @Test
    void stagingRunsTwoReplicasBehindABudgetAndAnIngress() {
        Run run = ProgramUnderMocks.run("staging");
        Registered deployment = run.one(DEPLOYMENT);
        assertEquals(2, deployment.inputs().at("/spec/replicas").asInt());
        assertEquals("true", deployment.at("/metadata/annotations/pulumi.com~1patchForce"), "the stack owns the count, also after an autoscaler");
        assertEquals(List.of(), types(run, HPA));
        Registered pdb = run.one(PDB);
        assertEquals(1, pdb.inputs().at("/spec/maxUnavailable").asInt());
        assertEquals("AlwaysAllow", pdb.at("/spec/unhealthyPodEvictionPolicy"));
        Registered ingress = run.one(INGRESS);
        assertEquals("sentiment.staging.ml.example.com", ingress.at("/spec/rules/0/host"));
        assertEquals("sentiment-staging-tls", ingress.at("/spec/tls/0/secretName"));
        assertEquals("nginx", ingress.at("/spec/ingressClassName"));
        assertEquals("http", ingress.at("/spec/rules/0/http/paths/0/backend/service/port/name"));
        assertEquals(Map.of("cpu", "2", "memory", "3Gi", "ephemeral-storage", "6Gi"), strings(deployment.inputs().at(CONTAINER + "/resources/limits")));
        Registered policy = run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assertEquals("ingress-nginx", policy.at("/spec/ingress/0/from/1/namespaceSelector/matchLabels/kubernetes.io~1metadata.name"));
        assertEquals("http", policy.at("/spec/ingress/0/ports/0/port"));
    }

    @Test
    void productionAutoscalesGpuReplicasSpreadAcrossNodes() {
        Run run = ProgramUnderMocks.run("production");
        Registered deployment = run.one(DEPLOYMENT);
        assertTrue(deployment.inputs().at("/spec/replicas").isMissingNode(), "the autoscaler owns the count");
        assertTrue(deployment.inputs().at("/metadata/annotations/pulumi.com~1patchForce").isMissingNode(),
                "the stack does not take the count from the autoscaler");
        Registered hpa = run.one(HPA);
        assertEquals(3, hpa.inputs().at("/spec/minReplicas").asInt());
        assertEquals(12, hpa.inputs().at("/spec/maxReplicas").asInt());
        assertEquals(60, hpa.inputs().at("/spec/metrics/0/resource/target/averageUtilization").asInt());
        assertEquals("sentiment-api", hpa.at("/spec/scaleTargetRef/name"));
        assertEquals(1, run.ofType(PDB).size());

        JsonNode pod = deployment.inputs().at(POD);
        assertEquals("1", pod.at("/containers/0/resources/limits/nvidia.com~1gpu").asText());
        assertEquals("true", pod.at("/nodeSelector/nvidia.com~1gpu.present").asText());
        assertEquals("nvidia.com/gpu", pod.at("/tolerations/0/key").asText());
        assertEquals("NoSchedule", pod.at("/tolerations/0/effect").asText());
        Set<String> spreads = new java.util.TreeSet<>();
        pod.get("topologySpreadConstraints").forEach(c -> spreads.add(c.get("topologyKey").asText() + "=" + c.get("whenUnsatisfiable").asText()));
        assertEquals(Set.of("kubernetes.io/hostname=DoNotSchedule", "topology.kubernetes.io/zone=ScheduleAnyway"), spreads);
        pod.get("topologySpreadConstraints").forEach(c -> {
            assertEquals("Honor", c.get("nodeTaintsPolicy").asText(), "nodes whose taints the pods do not tolerate are no domain");
            assertEquals("[\"pod-template-hash\"]", c.get("matchLabelKeys").toString(), "skew counted within one revision");
        });
        assertEquals("sentiment-model-weights", volume(deployment, "model-cache").at("/persistentVolumeClaim/claimName").asText());
        assertTrue(pod.at("/containers/0/volumeMounts").findValues("readOnly").stream().filter(JsonNode::asBoolean).count() >= 1);
        assertEquals(Map.of("cpu", "2", "memory", "8Gi", "ephemeral-storage", "1Gi"), strings(pod.at("/containers/0/resources/requests")),
                "production reserves its whole memory limit");
        assertTrue(run.ofType("kubernetes:core/v1:Namespace").isEmpty(), "the namespace of the weights' claim outlives the stack");
        assertEquals("true", deployment.at("/spec/template/metadata/annotations/prometheus.io~1scrape"));
        assertEquals(600, pod.at("/containers/0/startupProbe/failureThreshold").asInt());
        assertEquals(600 + 90, deployment.inputs().at("/spec/progressDeadlineSeconds").asInt(), "a batch may take one model load and a pod start");
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        List<Boolean> each = new ArrayList<>();
        selector.fields().forEachRemaining(e -> each.add(e.getValue().equals(labels.get(e.getKey()))));
        return !each.contains(false);
    }

    private static List<String> types(Run run, String... types) {
        return Stream.of(types).filter(t -> !run.ofType(t).isEmpty()).toList();
    }

    private static JsonNode volume(Registered deployment, String name) {
        for (JsonNode v : deployment.inputs().at(POD + "/volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static Map<String, String> env(Registered deployment) {
        Map<String, String> env = new java.util.TreeMap<>();
        deployment.inputs().at(CONTAINER + "/env").forEach(e -> env.put(e.get("name").asText(),
                e.has("value") ? e.get("value").asText() : "secret " + e.at("/valueFrom/secretKeyRef/key").asText()));
        return env;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new java.util.TreeMap<>();
        object.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    private static JsonNode stackFile(String stack) throws IOException {
        return new YAMLMapper().readTree(ProgramUnderMocks.PROJECT.resolve("Pulumi." + stack + ".yaml").toFile());
    }
}
