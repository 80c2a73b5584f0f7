package dev.mlapi.config;

import dev.mlapi.components.MlApiArgsRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the groups of config rules share: the stack, what its file states, and the list that
 * collects the problems of every group in the order they are checked.
 */
abstract class ConfigRules {
    static final int MAX_REPLICAS = MlApiArgsRules.MAX_REPLICAS;

    final String stack;
    final JsonNode stated;
    final List<ConfigProblem> problems;

    ConfigRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        this.stack = stack;
        this.stated = stated;
        this.problems = problems;
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
