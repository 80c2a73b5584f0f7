package dev.mlapi.config;

import dev.mlapi.components.Quantity;
import dev.mlapi.components.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules of the pods' size and count, their placement, and the folders mounted into them. */
final class PodRules extends ConfigRules {
    private static final Pattern INT_OR_PERCENT = Pattern.compile("^(\\d+)(%?)$");
    private static final List<String> TOLERATION_OPERATORS = List.of("Exists", "Equal");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");

    PodRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        super(stack, stated, problems);
    }

    void resources(Environment env, MlApiConfig.Resources r, MlApiConfig.Scheduling scheduling, MlApiConfig.ModelCache cache) {
        Optional<BigDecimal> cpuRequest = amount("resources.requests.cpu", r.requests() == null ? null : r.requests().cpu(), "500m");
        // In production an unstated memory request is the limit (MlApiConfig), checked there.
        boolean memoryRequestFollowsLimit = env == Environment.PRODUCTION && !stated.path("resources").path("requests").has("memory");
        Optional<BigDecimal> memoryRequest = memoryRequestFollowsLimit ? Optional.empty()
                : amount("resources.requests.memory", r.requests() == null ? null : r.requests().memory(), "1Gi");
        Optional<BigDecimal> cpuLimit = amount("resources.limits.cpu", r.limits() == null ? null : r.limits().cpu(), "2");
        Optional<BigDecimal> memoryLimit = amount("resources.limits.memory", r.limits() == null ? null : r.limits().memory(), "2Gi");
        Optional<BigDecimal> storageRequest = amount("resources.requests.ephemeralStorage", r.requests() == null ? null : r.requests().ephemeralStorage(), "1Gi");
        Optional<BigDecimal> storageLimit = amount("resources.limits.ephemeralStorage", r.limits() == null ? null : r.limits().ephemeralStorage(), "4Gi");
        limitNotBelowRequest("ephemeralStorage", storageRequest, storageLimit, "4Gi");
        BigDecimal scratch = Quantity.parse("1Gi").orElseThrow().add(cache == null || cache.sizeLimit() == null
                ? BigDecimal.ZERO : Quantity.parse(cache.sizeLimit()).orElse(BigDecimal.ZERO));
        if (storageLimit.isPresent() && storageLimit.get().compareTo(scratch) < 0) {
            problems.add(problem("resources.limits.ephemeralStorage", "is below /tmp (1Gi) plus the model cache's sizeLimit;"
                    + " the pod would be evicted as the cache fills", "mlapi:resources.limits.ephemeralStorage: "
                    + scratch.divide(Quantity.parse("1Gi").orElseThrow(), 0, java.math.RoundingMode.UP).add(BigDecimal.ONE) + "Gi"));
        }
        limitNotBelowRequest("cpu", cpuRequest, cpuLimit, "2");
        if (env != Environment.PRODUCTION) {
            limitNotBelowRequest("memory", memoryRequest, memoryLimit, "2Gi");
        } else if (memoryRequest.isPresent() && memoryLimit.isPresent() && memoryRequest.get().compareTo(memoryLimit.get()) != 0) {
            // Guaranteed memory: the request reserves what the model really uses, and under node
            // memory pressure the kernel and the kubelet pick burstable pods first.
            problems.add(problem("resources.requests.memory", "(" + r.requests().memory() + ") differs from resources.limits.memory ("
                    + r.limits().memory() + "); production reserves the whole limit, so a model server under node memory pressure"
                    + " is not OOM-killed ahead of others; leave the request out (it follows the limit) or make it equal",
                    "mlapi:resources.requests.memory: " + r.limits().memory()));
        }
        if (env == Environment.PRODUCTION) {
            check(r.limits() != null && r.limits().memory() != null, "resources.limits.memory",
                    "production needs a memory limit so one replica cannot starve its node", "mlapi:resources.limits.memory: 4Gi");
        }
        if (r.gpu() != null) {
            check(r.gpu() >= 0, "resources.gpu", "must not be negative", "mlapi:resources.gpu: 1");
            if (r.gpu() > 0) {
                check(!scheduling.gpuTolerations().isEmpty() || !scheduling.gpuNodeSelector().isEmpty(), "scheduling.gpuNodeSelector",
                        "a GPU is requested but nothing steers the pod to GPU nodes", "mlapi:scheduling.gpuNodeSelector: {nvidia.com/gpu.present: \"true\"}");
            }
        }
    }

    private Optional<BigDecimal> quantity(String key, String text, String good) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<BigDecimal> value = Quantity.parse(text);
        check(value.isPresent(), key, "'" + text + "' is not a Kubernetes quantity", "mlapi:" + key + ": " + good);
        return value;
    }

    /** A request or limit: a quantity above 0 (a zero limit is none, a zero request reserves nothing). */
    private Optional<BigDecimal> amount(String key, String text, String good) {
        boolean negative = text != null && text.startsWith("-") && Quantity.parse(text.substring(1)).isPresent();
        Optional<BigDecimal> value = negative ? Quantity.parse(text.substring(1)).map(BigDecimal::negate) : quantity(key, text, good);
        if (value.isPresent() && value.get().signum() <= 0) {
            problems.add(problem(key, "'" + text + "' must be more than 0: " + (negative ? "the API server refuses a negative amount"
                    : key.contains(".limits.") ? "Kubernetes reads a zero limit as no limit" : "a zero request reserves nothing"), "mlapi:" + key + ": " + good));
            return Optional.empty();
        }
        return value;
    }

    private void limitNotBelowRequest(String resource, Optional<BigDecimal> request, Optional<BigDecimal> limit, String good) {
        if (request.isPresent() && limit.isPresent() && limit.get().compareTo(request.get()) < 0) {
            problems.add(problem("resources.limits." + resource, "is below the request; a limit must be at least the request",
                    "mlapi:resources.limits." + resource + ": " + good));
        }
    }

    void autoscaling(MlApiConfig.Autoscaling a) {
        if (!a.enabled()) {
            return;
        }
        check(a.minReplicas() >= 1, "autoscaling.minReplicas", "must be at least 1", "mlapi:autoscaling.minReplicas: 2");
        check(a.maxReplicas() <= MAX_REPLICAS, "autoscaling.maxReplicas", a.maxReplicas() + " is more than " + MAX_REPLICAS + " replicas", "mlapi:autoscaling.maxReplicas: 12");
        check(a.maxReplicas() >= a.minReplicas(), "autoscaling.maxReplicas",
                "(" + a.maxReplicas() + ") is below autoscaling.minReplicas (" + a.minReplicas() + ")", "mlapi:autoscaling.maxReplicas: " + Math.max(a.minReplicas(), 2) * 2);
        check(a.targetCpuUtilization() != null || a.targetMemoryUtilization() != null, "autoscaling.targetCpuUtilization",
                "autoscaling needs a target to scale on", "mlapi:autoscaling.targetCpuUtilization: 70");
        percent("autoscaling.targetCpuUtilization", a.targetCpuUtilization());
        percent("autoscaling.targetMemoryUtilization", a.targetMemoryUtilization());
    }

    /** The autoscaler measures use as a share of the request; without one it cannot scale. */
    void autoscalingRequests(MlApiConfig.Autoscaling a, MlApiConfig.Resources r) {
        if (!a.enabled()) {
            return;
        }
        if (a.targetCpuUtilization() != null) {
            check(r.requests() != null && r.requests().cpu() != null, "resources.requests.cpu", "is required with autoscaling.targetCpuUtilization:"
                    + " the autoscaler measures CPU use as a share of the request", "mlapi:resources.requests.cpu: 500m");
        }
        if (a.targetMemoryUtilization() != null) {
            check(r.requests() != null && r.requests().memory() != null, "resources.requests.memory", "is required with autoscaling.targetMemoryUtilization:"
                    + " the autoscaler measures memory use as a share of the request", "mlapi:resources.requests.memory: 1Gi");
        }
    }

    private void percent(String key, Integer value) {
        if (value != null) {
            check(value >= 1 && value <= 100, key, "must be a percentage from 1 to 100", "mlapi:" + key + ": 70");
        }
    }

    void disruptionBudget(MlApiConfig c) {
        MlApiConfig.DisruptionBudget b = c.disruptionBudget();
        if (!b.enabled()) {
            return;
        }
        boolean statedMin = stated.path("disruptionBudget").has("minAvailable");
        String minAvailable = b.minAvailable();
        String maxUnavailable = statedMin && !stated.path("disruptionBudget").has("maxUnavailable") ? null : b.maxUnavailable();
        if (minAvailable != null && maxUnavailable != null) {
            problems.add(problem("disruptionBudget", "sets both minAvailable and maxUnavailable; Kubernetes takes one", "mlapi:disruptionBudget.maxUnavailable: \"1\""));
            return;
        }
        String key = minAvailable != null ? "disruptionBudget.minAvailable" : "disruptionBudget.maxUnavailable";
        String value = minAvailable != null ? minAvailable : maxUnavailable;
        var m = value == null ? null : INT_OR_PERCENT.matcher(value);
        if (m == null || !m.matches()) {
            problems.add(problem(key, "'" + value + "' is neither a count nor a percentage", "mlapi:" + key + ": \"1\" or \"25%\""));
            return;
        }
        int number = Integer.parseInt(m.group(1));
        boolean isPercent = !m.group(2).isEmpty();
        int replicas = c.autoscaling().enabled() ? c.autoscaling().minReplicas() : c.replicas();
        if (minAvailable != null && (isPercent ? number >= 100 : number >= replicas)) {
            problems.add(problem(key, "(" + value + ") leaves no pod that may be evicted from " + replicas + " replica(s), so node drains would hang",
                    "mlapi:disruptionBudget.maxUnavailable: \"1\""));
        }
        if (minAvailable == null && (number == 0)) {
            problems.add(problem(key, "of 0 blocks every eviction, so node drains would hang", "mlapi:disruptionBudget.maxUnavailable: \"1\""));
        }
    }

    void scheduling(MlApiConfig.Scheduling s) {
        metadata("scheduling.nodeSelector", s.nodeSelector(), true);
        metadata("scheduling.gpuNodeSelector", s.gpuNodeSelector(), true);
        tolerations("scheduling.tolerations", s.tolerations());
        tolerations("scheduling.gpuTolerations", s.gpuTolerations());
        for (int i = 0; i < s.requiredNodeAffinity().size(); i++) {
            MlApiConfig.NodeRequirement r = s.requiredNodeAffinity().get(i);
            String key = "scheduling.requiredNodeAffinity[" + i + "]";
            check(KubernetesNames.isQualifiedName(r.key()), key + ".key", "is not a valid label key", "key: node.kubernetes.io/instance-type");
            check(NODE_OPERATORS.contains(r.operator()), key + ".operator", "must be one of " + NODE_OPERATORS, "operator: In");
            boolean needsValues = r.operator() != null && !r.operator().equals("Exists") && !r.operator().equals("DoesNotExist");
            check(!needsValues || r.values() != null && !r.values().isEmpty(), key + ".values", "operator " + r.operator() + " needs values", "values: [g5.xlarge]");
            if ("Gt".equals(r.operator()) || "Lt".equals(r.operator())) {
                check(r.values() == null || r.values().size() == 1 && r.values().get(0).matches("^-?\\d+$"), key + ".values",
                        "operator " + r.operator() + " compares with one whole number", "values: [\"2\"]");
            }
            check(needsValues || r.operator() == null || r.values() == null || r.values().isEmpty(), key + ".values",
                    "must be left out with operator " + r.operator() + ", which only asks whether the label is there", "{key: " + r.key() + ", operator: " + r.operator() + "}");
        }
    }

    private void tolerations(String key, List<MlApiConfig.Toleration> tolerations) {
        for (int i = 0; i < tolerations.size(); i++) {
            MlApiConfig.Toleration t = tolerations.get(i);
            String at = key + "[" + i + "]";
            String operator = t.operator() == null ? "Equal" : t.operator();
            check(TOLERATION_OPERATORS.contains(operator), at + ".operator", "must be Exists or Equal", "operator: Exists");
            check(t.effect() == null || TAINT_EFFECTS.contains(t.effect()), at + ".effect", "must be one of " + TAINT_EFFECTS, "effect: NoSchedule");
            check(t.tolerationSeconds() == null || "NoExecute".equals(t.effect()), at + ".effect",
                    "must be NoExecute when tolerationSeconds is set; the API server refuses any other", "effect: NoExecute");
            check(!operator.equals("Exists") || t.value() == null, at + ".value", "must be empty when the operator is Exists", "operator: Equal");
            check(t.key() != null || operator.equals("Exists"), at + ".key", "is required unless the operator is Exists", "key: nvidia.com/gpu");
            check(t.key() == null || KubernetesNames.isQualifiedName(t.key()), at + ".key", "'" + t.key() + "' is not a valid taint key", "key: nvidia.com/gpu");
            check(t.value() == null || KubernetesNames.isLabelValue(t.value()), at + ".value",
                    "'" + t.value() + "' is not a valid taint value (63 characters of letters, digits, -_.)", "value: ml");
        }
    }

    void modelCache(MlApiConfig.ModelCache cache, MlApiConfig.Namespace namespace) {
        if (cache == null) {
            return;
        }
        check(cache.mountPath() != null && cache.mountPath().startsWith("/"), "modelCache.mountPath", "must be an absolute path", "mlapi:modelCache.mountPath: /models");
        check((cache.sizeLimit() == null) != (cache.existingClaim() == null), "modelCache",
                "takes exactly one of sizeLimit (a node-local emptyDir) or existingClaim (a PersistentVolumeClaim)", "mlapi:modelCache.sizeLimit: 10Gi");
        quantity("modelCache.sizeLimit", cache.sizeLimit(), "10Gi");
        if (cache.existingClaim() != null) {
            check(KubernetesNames.isDnsSubdomain(cache.existingClaim()), "modelCache.existingClaim", "is not a claim name", "mlapi:modelCache.existingClaim: model-weights");
            check(!namespace.create(), "modelCache.existingClaim", "needs a namespace that outlives the stack: the claim must exist before the first up,"
                    + " and a namespace the stack creates is deleted, weights and all, by destroy or a rename",
                    "mlapi:namespace: {name: " + namespace.name() + ", create: false}");
        }
        check(!cache.readOnlyMount() || cache.existingClaim() != null, "modelCache.readOnly", "needs existingClaim: a read-only emptyDir would stay empty",
                "mlapi:modelCache.existingClaim: model-weights");
    }

    /** Each folder the container gets is mounted once: /tmp, the config files, the model cache, the secret files. */
    void mountPaths(MlApiConfig c) {
        Map<String, String> taken = new java.util.HashMap<>(Map.of("/tmp", "the writable /tmp"));
        java.util.function.BiConsumer<String, String> mount = (key, path) -> {
            // Secret files of one folder share one mount.
            String owner = key.startsWith("secrets[") ? "mlapi:secrets" : "mlapi:" + key;
            String other = path == null ? null : taken.putIfAbsent(path, owner);
            check(other == null || other.equals(owner), key, path + " is already the mount of " + other + "; give it a folder of its own",
                    "mlapi:" + key + ": /models");
        };
        mount.accept("modelCache.mountPath", c.modelCache() == null ? null : c.modelCache().mountPath());
        mount.accept("configMap.mountPath", c.configMap() == null ? null : c.configMap().mountPath());
        for (int i = 0; i < c.secrets().size(); i++) {
            mount.accept("secrets[" + i + "].mountPath", c.secrets().get(i).mountPath());
        }
    }
}
