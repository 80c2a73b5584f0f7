package dev.mlapi.config;

import dev.mlapi.components.Quantity;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules of the pods' size and count that depend on the environment and on what the stack file states. */
final class PodRules extends ConfigRules {
    private static final Pattern INT_OR_PERCENT = Pattern.compile("^(\\d+)(%?)$");

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

}
