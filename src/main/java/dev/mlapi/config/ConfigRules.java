package dev.mlapi.config;

import dev.mlapi.components.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the groups of config rules share: the stack, what its file states, and the list that
 * collects the problems of every group in the order they are checked.
 */
abstract class ConfigRules {
    static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    static final int MAX_REPLICAS = 1000;

    final String stack;
    final JsonNode stated;
    final List<ConfigProblem> problems;

    ConfigRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        this.stack = stack;
        this.stated = stated;
        this.problems = problems;
    }

    void metadata(String key, Map<String, String> entries, boolean labels) {
        entries.forEach((name, value) -> {
            check(KubernetesNames.isQualifiedName(name), key + "." + name, "is not a valid " + (labels ? "label" : "annotation") + " key",
                    "mlapi:" + key + ".team/owner: ml-platform");
            if (labels) {
                check(KubernetesNames.isLabelValue(value), key + "." + name, "'" + value + "' is not a valid label value (63 characters of letters, digits, -_.)",
                        "mlapi:" + key + "." + name + ": ml-platform");
            }
        });
    }

    void port(String key, Integer port, String example) {
        check(port != null && port >= 1 && port <= 65535, key, port + " is not a port (1-65535)", example);
    }

    void check(boolean ok, String key, String problem, String example) {
        if (!ok) {
            problems.add(problem(key, problem, example));
        }
    }

    ConfigProblem problem(String key, String problem, String example) {
        return new ConfigProblem(stack, key, problem, example);
    }
}
