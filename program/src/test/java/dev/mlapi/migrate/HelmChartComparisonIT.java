package dev.mlapi.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.cli.ValidateCommand;
import dev.mlapi.config.Environment;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart our users have (program/src/test/resources/helm/mf-demo), rendered by the pinned {@code helm
 * template} from each environment's values file, against this program under mocks on the stack
 * that {@code import-helm-values} makes from the same file, object by object: every value the
 * chart sets must be in ours with the same meaning, except the differences listed below with
 * their reasons; and what ours adds on top of the chart is listed exactly. An IT because it runs
 * the helm that ./mlapi test builds; it needs no cluster.
 */
class HelmChartComparisonIT {
    private static final Path CHART = Path.of("program/src/test/resources/helm/mf-demo");
    private static final String RELEASE = "sentiment-api";
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Labels the chart sets that ours sets otherwise on purpose, and why. */
    private static final Map<String, String> LABELS_BY_DESIGN = Map.of(
            "helm.sh/chart", "there is no chart",
            "app.kubernetes.io/managed-by", "pulumi, not Helm",
            "app.kubernetes.io/instance", "the release name is an argument of each helm command; here each stack is an instance, <name>-<stack>",
            "app.kubernetes.io/version", "the chart's appVersion, whatever image runs; here the image's own version, on what runs the image only");
    /** The container's name: the chart names it after itself; ours is "api" in every stack, for kubectl logs -c. */
    private static final String CONTAINER_NAME = "Deployment /spec/template/spec/containers/0/name";

    /** What ours sets where the chart sets nothing, in every environment: objects (+ Kind) and fields. */
    private static final List<String> ADDED_EVERYWHERE = List.of(
            "+ Namespace",
            "+ NetworkPolicy",
            "Deployment /metadata/annotations",
            "Deployment /metadata/labels/app.kubernetes.io~1component",
            "Deployment /metadata/labels/app.kubernetes.io~1part-of",
            "Deployment /metadata/labels/environment",
            "Deployment /metadata/namespace",
            "Deployment /spec/progressDeadlineSeconds",
            "Deployment /spec/revisionHistoryLimit",
            "Deployment /spec/selector/matchLabels/app.kubernetes.io~1component",
            "Deployment /spec/strategy",
            "Deployment /spec/template/metadata/labels/app.kubernetes.io~1component",
            "Deployment /spec/template/metadata/labels/app.kubernetes.io~1part-of",
            "Deployment /spec/template/metadata/labels/environment",
            "Deployment /spec/template/spec/automountServiceAccountToken",
            "Deployment /spec/template/spec/containers/0/env",
            "Deployment /spec/template/spec/containers/0/lifecycle",
            "Deployment /spec/template/spec/containers/0/livenessProbe/failureThreshold",
            "Deployment /spec/template/spec/containers/0/livenessProbe/periodSeconds",
            "Deployment /spec/template/spec/containers/0/livenessProbe/timeoutSeconds",
            "Deployment /spec/template/spec/containers/0/readinessProbe/failureThreshold",
            "Deployment /spec/template/spec/containers/0/readinessProbe/periodSeconds",
            "Deployment /spec/template/spec/containers/0/readinessProbe/timeoutSeconds",
            "Deployment /spec/template/spec/containers/0/resources/limits/ephemeral-storage",
            "Deployment /spec/template/spec/containers/0/resources/requests/ephemeral-storage",
            "Deployment /spec/template/spec/containers/0/securityContext",
            "Deployment /spec/template/spec/containers/0/startupProbe",
            "Deployment /spec/template/spec/containers/0/volumeMounts",
            "Deployment /spec/template/spec/enableServiceLinks",
            "Deployment /spec/template/spec/securityContext",
            "Deployment /spec/template/spec/terminationGracePeriodSeconds",
            "Deployment /spec/template/spec/volumes",
            "Service /metadata/labels/app.kubernetes.io~1component",
            "Service /metadata/labels/app.kubernetes.io~1part-of",
            "Service /metadata/labels/environment",
            "Service /metadata/namespace",
            "Service /spec/ports/0/appProtocol",
            "Service /spec/selector/app.kubernetes.io~1component",
            "ServiceAccount /metadata/labels/app.kubernetes.io~1component",
            "ServiceAccount /metadata/labels/app.kubernetes.io~1part-of",
            "ServiceAccount /metadata/labels/environment",
            "ServiceAccount /metadata/namespace");
    /** Staging's and production's defaults: a disruption budget, and replicas spread across nodes (and zones). */
    private static final List<String> ADDED_BEYOND_DEV = List.of(
            "+ PodDisruptionBudget",
            "Deployment /spec/template/spec/topologySpreadConstraints");

    @TempDir
    Path project;

    @ParameterizedTest
    @EnumSource(Environment.class)
    void theImportedStackSetsEverythingTheChartSets(Environment environment) throws Exception {
        String env = environment.id();
        Path values = CHART.resolve("environment/" + env + "/value-" + env + ".yaml");
        List<JsonNode> chart = helmTemplate(values);
        HelmValuesImport.run(values, project, env, environment);
        assertEquals(0, ValidateCommand.run(project.resolve("Pulumi." + env + ".yaml").toString()), "the imported stack is valid");
        ProgramUnderMocks.Run ours = ProgramUnderMocks.run(project, env);

        List<String> differences = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (String kind : List.of("Deployment", "Service", "ServiceAccount")) {
            JsonNode theirs = kubernetesDefaults(ofKind(chart, kind));
            JsonNode mine = ours.one(pulumiType(kind)).inputs();
            compare(kind, theirs, mine, "", differences);
            added(kind, theirs, mine, "", added);
        }
        Set<String> byDesign = new TreeSet<>();
        differences.removeIf(d -> {
            String label = LABELS_BY_DESIGN.keySet().stream().filter(l -> d.contains("/" + escape(l) + ": ")).findFirst().orElse(null);
            if (label != null) {
                byDesign.add(label);
            }
            return label != null || d.startsWith(CONTAINER_NAME + ": ");
        });
        assertEquals(List.of(), differences, env + ": what the chart sets and ours does not, with the same meaning");
        assertEquals(new TreeSet<>(LABELS_BY_DESIGN.keySet()), byDesign, env + ": every label difference listed is still there");

        // What selects the pods: each Service's and Deployment's selector picks the Deployment's pods, in both.
        selectsThePods(ofKind(chart, "Deployment"), ofKind(chart, "Service"));
        selectsThePods(ours.one(pulumiType("Deployment")).inputs(), ours.one(pulumiType("Service")).inputs());

        // helm test's pod and the connection test Job: the same image asks the same Service, port and path, with the same time limit.
        JsonNode test = ofKind(chart, "Pod").at("/spec");
        JsonNode job = ours.one("kubernetes:batch/v1:Job").inputs().at("/spec/template/spec");
        assertEquals("test", ofKind(chart, "Pod").at("/metadata/annotations/helm.sh~1hook").asText());
        assertEquals(test.at("/containers/0/image"), job.at("/containers/0/image"));
        assertEquals(test.at("/restartPolicy"), job.at("/restartPolicy"));
        URI theirUrl = URI.create(test.at("/containers/0/args/0").asText());
        URI ourUrl = URI.create(job.at("/containers/0/args/0").asText());
        String service = ours.one(pulumiType("Service")).at("/metadata/name");
        String namespace = ours.one(pulumiType("Service")).at("/metadata/namespace");
        assertEquals(theirUrl.getHost(), service, "the chart's test asks its Service");
        assertEquals(service + "." + namespace + ".svc", ourUrl.getHost(), "ours asks the same Service");
        assertEquals(theirUrl.getPort(), ourUrl.getPort());
        assertEquals(theirUrl.getPath(), ourUrl.getPath());
        assertEquals(test.at("/containers/0/args/1").asText(), job.at("/containers/0/args/1").asText());

        // Objects ours makes that the chart has no counterpart for, and fields it adds to the shared ones.
        Set<String> chartKinds = new TreeSet<>(chart.stream().map(o -> o.path("kind").asText()).toList());
        assertEquals(Set.of("Deployment", "Service", "ServiceAccount", "Pod"), chartKinds);
        ours.resources().stream().filter(r -> r.type().startsWith("kubernetes:"))
                .map(r -> r.type().substring(r.type().lastIndexOf(':') + 1))
                .filter(kind -> !chartKinds.contains(kind) && !kind.equals("Job"))
                .forEach(kind -> added.add("+ " + kind));
        List<String> expected = new ArrayList<>(ADDED_EVERYWHERE);
        if (environment != Environment.DEV) {
            expected.addAll(ADDED_BEYOND_DEV);
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(added), env + ": what ours adds on top of the chart");
    }

    private static void selectsThePods(JsonNode deployment, JsonNode service) {
        JsonNode pods = deployment.at("/spec/template/metadata/labels");
        for (JsonNode selector : List.of(deployment.at("/spec/selector/matchLabels"), service.at("/spec/selector"))) {
            assertTrue(selector.size() > 0, "a selector");
            selector.fields().forEachRemaining(l -> assertEquals(l.getValue(), pods.get(l.getKey()), "selector " + selector + ", pods " + pods));
        }
    }

    private static String pulumiType(String kind) {
        return switch (kind) {
            case "Deployment" -> "kubernetes:apps/v1:Deployment";
            default -> "kubernetes:core/v1:" + kind;
        };
    }

    private static JsonNode ofKind(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertEquals(1, found.size(), "the chart renders one " + kind);
        return found.get(0);
    }

    /**
     * What the API server stores for the chart's manifest: a container that limits a resource
     * without requesting it requests its limit. Compared after this, the chart's meaning.
     */
    private static JsonNode kubernetesDefaults(JsonNode object) {
        JsonNode copy = object.deepCopy();
        for (JsonNode container : copy.at("/spec/template/spec/containers")) {
            JsonNode limits = container.at("/resources/limits");
            if (limits.isObject()) {
                ObjectNode requests = ((ObjectNode) container.get("resources")).with("requests");
                limits.fields().forEachRemaining(l -> requests.putIfAbsent(l.getKey(), l.getValue()));
            }
        }
        return copy;
    }

    /** Each value the chart sets that ours does not set equal: "kind pointer: chart X, ours Y". */
    private static void compare(String kind, JsonNode chart, JsonNode ours, String at, List<String> out) {
        if (chart.isContainerNode()) {
            if (chart.isObject()) {
                chart.fields().forEachRemaining(f -> compare(kind, f.getValue(), ours.path(f.getKey()), at + "/" + escape(f.getKey()), out));
            } else {
                for (int i = 0; i < chart.size(); i++) {
                    compare(kind, chart.get(i), ours.path(i), at + "/" + i, out);
                }
            }
        } else if (!chart.isNull() && !sameValue(chart, ours)) {
            out.add(kind + " " + at + ": chart " + chart.asText() + ", ours " + (ours.isMissingNode() ? "unset" : ours.toString()));
        }
    }

    /** Mock inputs carry every number as a double; YAML reads 8080 as an int. */
    private static boolean sameValue(JsonNode chart, JsonNode ours) {
        if (chart.isNumber() && ours.isNumber()) {
            return chart.decimalValue().compareTo(ours.decimalValue()) == 0;
        }
        return ours.isValueNode() && ours.asText().equals(chart.asText());
    }

    /** What ours sets where the chart sets nothing: the shallowest such pointer of each (an empty map or list sets nothing). */
    private static void added(String kind, JsonNode chart, JsonNode ours, String at, List<String> out) {
        if (!ours.isContainerNode()) {
            return;
        }
        if (ours.isObject()) {
            ours.fields().forEachRemaining(f -> {
                JsonNode theirs = chart.path(f.getKey());
                if (f.getValue().isContainerNode() && f.getValue().isEmpty()) {
                    return;
                }
                if (theirs.isMissingNode() || theirs.isNull() || theirs.isContainerNode() && theirs.isEmpty()) {
                    out.add(kind + " " + at + "/" + escape(f.getKey()));
                } else {
                    added(kind, theirs, f.getValue(), at + "/" + escape(f.getKey()), out);
                }
            });
        } else {
            for (int i = 0; i < ours.size(); i++) {
                if (chart.path(i).isMissingNode()) {
                    out.add(kind + " " + at + "/" + i);
                } else {
                    added(kind, chart.path(i), ours.get(i), at + "/" + i, out);
                }
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static List<JsonNode> helmTemplate(Path values) throws IOException, InterruptedException {
        Path helm = Path.of(".tools/bin/helm");
        assertTrue(Files.isExecutable(helm), "helm is not built; ./mlapi test builds it");
        Process p = new ProcessBuilder(helm.toString(), "template", RELEASE, CHART.toString(), "--values", values.toString())
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "helm template did not finish");
        assertEquals(0, p.exitValue(), err);
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = YAML.createParser(out)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }
}
