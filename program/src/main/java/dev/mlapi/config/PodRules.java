package dev.mlapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/** The rule of the disruption budget, whose defaults depend on what the stack file states. */
final class PodRules extends ConfigRules {
    private static final Pattern INT_OR_PERCENT = Pattern.compile("^(\\d+)(%?)$");

    PodRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        super(stack, stated, problems);
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
