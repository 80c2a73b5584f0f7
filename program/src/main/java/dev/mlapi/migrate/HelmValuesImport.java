package dev.mlapi.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.config.Environment;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import dev.mlapi.config.StackFileEditor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a values file of the chart our users have (helm create's layout) into a stack file:
 * each value that has a place in the {@code mlapi:} config is written there, unless it equals
 * the environment's default; every other value is reported. Keys the import writes replace
 * those keys in the stack file; every other line of the file, comments and encrypted values
 * included, stays as it was.
 */
public final class HelmValuesImport {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int PRIVILEGED_PORTS = 1024;

    /** What an import wrote and what it could not place. */
    public record Result(Map<String, JsonNode> written, List<String> unmapped) {}

    private final ObjectNode config = NODES.objectNode();
    private final List<String> unmapped = new ArrayList<>();

    private HelmValuesImport() {}

    public static Result run(Path valuesFile, Path projectDir, String stack, Environment environment) throws IOException {
        JsonNode values = YAML.readTree(valuesFile.toFile());
        HelmValuesImport mapping = new HelmValuesImport();
        mapping.map(values == null ? NODES.objectNode() : values);
        boolean autoscaled = mapping.config.path("autoscaling").path("enabled").asBoolean(false);
        if (!autoscaled && (mapping.config.has("autoscaling") || mapping.config.has("replicas"))) {
            // The chart runs replicaCount pods unless its autoscaler is on (a chart without one has none
            // to turn on), where production's default autoscales. Bounds of an autoscaler that is off mean nothing.
            mapping.config.set("autoscaling", NODES.objectNode().put("enabled", false));
        }
        if (mapping.config.path("autoscaling").path("enabled").asBoolean(false) && mapping.config.has("replicas")) {
            // The chart ignores replicaCount under an autoscaler; here a pinned count would be an error.
            mapping.config.remove("replicas");
            mapping.unmapped.add("replicaCount (the autoscaler owns the replica count)");
        }
        JsonNode memory = mapping.config.path("resources");
        if (environment == Environment.PRODUCTION && memory.path("limits").has("memory")
                && !memory.path("limits").path("memory").equals(memory.path("requests").path("memory"))
                && memory.path("requests") instanceof ObjectNode requests && requests.remove("memory") != null) {
            // Production reserves the whole memory limit; a request below it would be refused.
            mapping.unmapped.add("resources.requests.memory (production's memory request is its limit)");
        }
        Map<String, JsonNode> written = mapping.withoutDefaults(StackConfigLoader.defaultsFor(environment), environment, stack);
        Path file = StackFile.path(projectDir, stack);
        String before = Files.exists(file) ? Files.readString(file) : "";
        JsonNode stated = before.isBlank() ? NODES.missingNode() : YAML.readTree(before).path("config");
        written.replaceAll((key, value) -> keepingFieldsOf(stated.path("mlapi:" + key), value));
        Files.writeString(file, StackFileEditor.withKeys(before, written, YAML));
        return new Result(written, List.copyOf(mapping.unmapped));
    }

    /** A map the import writes keeps the fields of the file's map that the values file has no say in (probes.modelLoadTimeoutSeconds, say). */
    private static JsonNode keepingFieldsOf(JsonNode stated, JsonNode imported) {
        if (!stated.isObject() || !imported.isObject() || stated.has("secure")) {
            return imported;
        }
        ObjectNode merged = stated.deepCopy();
        imported.fields().forEachRemaining(f -> merged.set(f.getKey(), keepingFieldsOf(stated.path(f.getKey()), f.getValue())));
        return merged;
    }

    private void map(JsonNode v) {
        Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode value = e.getValue();
            switch (e.getKey()) {
                case "nameOverride", "fullnameOverride" -> {
                    if (!value.asText().isEmpty()) {
                        config.put("name", value.asText());
                    }
                }
                case "image" -> copy(value, "image", Map.of("repository", "repository", "tag", "tag", "digest", "digest", "pullPolicy", "pullPolicy"));
                case "imagePullSecrets" -> value.forEach(s -> group("image").withArray("pullSecrets").add(s.path("name").asText(s.asText())));
                case "replicaCount" -> config.set("replicas", value);
                case "resources" -> resources(value);
                case "service" -> {
                    copy(value, "service", Map.of("type", "type", "port", "port"));
                    // The chart's container listens on the Service's port: containerPort: {{ .Values.service.port }}.
                    if (value.path("port").asInt(0) >= PRIVILEGED_PORTS) {
                        config.set("port", value.get("port"));
                    } else if (value.hasNonNull("port")) {
                        unmapped.add("service.port as the container's port (" + value.get("port").asText()
                                + " is below 1024, which a non-root container cannot bind: set mlapi:port to the port the image listens on)");
                    }
                }
                case "serviceAccount" -> copy(value, "serviceAccount", Map.of("create", "create", "name", "name", "annotations", "annotations", "automount", "automountToken"));
                case "podAnnotations", "podLabels" -> nonEmpty(e.getKey(), value);
                case "podSecurityContext", "securityContext" -> securityContext(e.getKey(), value);
                case "nodeSelector" -> nonEmptyIn("scheduling", "nodeSelector", value);
                case "tolerations" -> nonEmptyIn("scheduling", "tolerations", value);
                case "affinity" -> affinity(value);
                case "autoscaling" -> copy(value, "autoscaling", Map.of("enabled", "enabled", "minReplicas", "minReplicas", "maxReplicas", "maxReplicas",
                        "targetCPUUtilizationPercentage", "targetCpuUtilization", "targetMemoryUtilizationPercentage", "targetMemoryUtilization"));
                case "ingress" -> ingress(value);
                case "livenessProbe" -> probe(e.getKey(), value, "livenessPath", "startupPath");
                case "readinessProbe" -> probe(e.getKey(), value, "readinessPath");
                default -> unmapped(e.getKey(), value);
            }
        }
    }

    private void copy(JsonNode from, String group, Map<String, String> names) {
        from.fields().forEachRemaining(e -> {
            String target = names.get(e.getKey());
            boolean empty = e.getValue().isNull() || e.getValue().isTextual() && e.getValue().asText().isEmpty()
                    || e.getValue().isContainerNode() && e.getValue().isEmpty();
            if (target == null) {
                unmapped(group + "." + e.getKey(), e.getValue());
            } else if (!empty) {
                group(group).set(target, e.getValue());
            }
        });
    }

    private void resources(JsonNode r) {
        for (String side : List.of("requests", "limits")) {
            r.path(side).fields().forEachRemaining(e -> {
                switch (e.getKey()) {
                    case "cpu", "memory" -> group("resources").with(side).put(e.getKey(), e.getValue().asText());
                    case "ephemeral-storage" -> group("resources").with(side).put("ephemeralStorage", e.getValue().asText());
                    case "nvidia.com/gpu" -> group("resources").put("gpu", e.getValue().asInt());
                    default -> unmapped("resources." + side + "." + e.getKey(), e.getValue());
                }
            });
        }
        if (config.path("resources").path("limits") instanceof ObjectNode limits) {
            // A container that limits a resource and requests none requests its limit (Kubernetes' default), as the chart's pods do.
            limits.fields().forEachRemaining(l -> group("resources").with("requests").putIfAbsent(l.getKey(), l.getValue()));
        }
        r.fieldNames().forEachRemaining(k -> {
            if (!k.equals("requests") && !k.equals("limits")) {
                unmapped("resources." + k, r.get(k));
            }
        });
    }

    /**
     * A probe's path; the startup probe asks the liveness path, which the chart's pods answer
     * while the model loads. The timing derives from probes.modelLoadTimeoutSeconds here.
     */
    private void probe(String key, JsonNode probe, String... paths) {
        probe.fields().forEachRemaining(e -> {
            if (e.getKey().endsWith("Seconds") || e.getKey().endsWith("Threshold")) {
                unmapped(key + "." + e.getKey() + " (probe timing derives from probes.modelLoadTimeoutSeconds)", e.getValue());
            } else if (!e.getKey().equals("httpGet")) {
                unmapped(key + "." + e.getKey() + " (probes here are HTTP GETs of a path)", e.getValue());
            }
        });
        probe.path("httpGet").fields().forEachRemaining(e -> {
            if (e.getKey().equals("path")) {
                for (String path : paths) {
                    group("probes").set(path, e.getValue());
                }
            } else if (!(e.getKey().equals("port") && e.getValue().asText().equals("http"))) {
                unmapped(key + ".httpGet." + e.getKey() + " (probes ask the container's port, http)", e.getValue());
            }
        });
    }

    private void securityContext(String key, JsonNode sc) {
        sc.fields().forEachRemaining(e -> {
            switch (e.getKey()) {
                case "runAsUser", "runAsGroup", "fsGroup" -> group("securityContext").set(e.getKey(), e.getValue());
                default -> unmapped(key + "." + e.getKey() + " (the restricted Pod Security settings always apply)", e.getValue());
            }
        });
    }

    private void affinity(JsonNode affinity) {
        affinity.fields().forEachRemaining(kind -> {
            JsonNode terms = kind.getValue().at("/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
            if (kind.getKey().equals("nodeAffinity") && terms.size() == 1 && terms.get(0).has("matchExpressions")) {
                group("scheduling").set("requiredNodeAffinity", terms.get(0).get("matchExpressions"));
                kind.getValue().fields().forEachRemaining(rule -> {
                    if (!rule.getKey().equals("requiredDuringSchedulingIgnoredDuringExecution")) {
                        unmapped("affinity.nodeAffinity." + rule.getKey(), rule.getValue());
                    }
                });
            } else if (kind.getValue().fields().hasNext() && hasContent(kind.getValue())) {
                unmapped("affinity." + kind.getKey() + " (spreading is scheduling.spreadAcrossNodes and spreadAcrossZones)", kind.getValue());
            }
        });
    }

    private static boolean hasContent(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasContent(child)) {
                    return true;
                }
            }
            return false;
        }
        return !node.isNull() && !(node.isTextual() && node.asText().isEmpty());
    }

    private void ingress(JsonNode in) {
        if (!in.path("enabled").asBoolean(false)) {
            return;
        }
        ObjectNode target = group("ingress");
        target.put("enabled", true);
        if (!in.path("className").asText().isEmpty()) {
            target.put("className", in.get("className").asText());
        }
        nonEmptyIn("ingress", "annotations", in.path("annotations"));
        JsonNode hosts = in.path("hosts");
        if (hosts.size() > 0) {
            target.put("host", hosts.get(0).path("host").asText());
            JsonNode paths = hosts.get(0).path("paths");
            if (paths.size() > 0) {
                target.put("path", paths.get(0).path("path").asText("/"));
            }
            if (hosts.size() > 1 || paths.size() > 1) {
                unmapped("ingress.hosts (one host and one path map; the rest do not)", hosts);
            }
        }
        JsonNode tls = in.path("tls");
        if (tls.size() > 0) {
            target.put("tlsSecret", tls.get(0).path("secretName").asText());
        }
    }

    private void nonEmpty(String key, JsonNode value) {
        if (value.isContainerNode() && !value.isEmpty()) {
            config.set(key, value);
        }
    }

    private void nonEmptyIn(String group, String key, JsonNode value) {
        if (value.isContainerNode() && !value.isEmpty()) {
            group(group).set(key, value);
        }
    }

    private ObjectNode group(String name) {
        return config.with(name);
    }

    private void unmapped(String key, JsonNode value) {
        if (hasContent(value)) {
            unmapped.add(key);
        }
    }

    /** The mapped keys, less every value that the environment's defaults already give. */
    private Map<String, JsonNode> withoutDefaults(ObjectNode defaults, Environment environment, String stack) {
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        if (Environment.fromId(stack).isEmpty()) {
            keys.put("environment", NODES.textNode(environment.id()));
        }
        // In the order of the config reference, so the stack file reads like the others.
        for (var field : MlApiConfig.class.getRecordComponents()) {
            JsonNode value = config.get(field.getName());
            JsonNode kept = value == null ? null : difference(value, defaults.get(field.getName()));
            if (kept != null) {
                keys.put(field.getName(), kept);
            }
        }
        return keys;
    }

    private static JsonNode difference(JsonNode value, JsonNode fallback) {
        if (fallback != null && sameValue(value, fallback)) {
            return null;
        }
        if (value.isObject() && fallback != null && fallback.isObject()) {
            ObjectNode kept = NODES.objectNode();
            value.fields().forEachRemaining(e -> {
                JsonNode d = difference(e.getValue(), fallback.get(e.getKey()));
                if (d != null) {
                    kept.set(e.getKey(), d);
                }
            });
            return kept.isEmpty() ? null : kept;
        }
        return value;
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        return a.isValueNode() && b.isValueNode() ? a.asText().equals(b.asText()) : a.equals(b);
    }
}
