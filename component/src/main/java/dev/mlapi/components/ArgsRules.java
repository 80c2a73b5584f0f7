package dev.mlapi.components;

import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** What the groups of the component's rules share: how the consumer writes a path, and the problems in the order found. */
abstract class ArgsRules {
    final UnaryOperator<String> keys;
    final List<ArgsProblem> problems;

    ArgsRules(UnaryOperator<String> keys, List<ArgsProblem> problems) {
        this.keys = keys;
        this.problems = problems;
    }

    Optional<BigDecimal> quantity(String key, String text, String good) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<BigDecimal> value = Quantity.parse(text);
        check(value.isPresent(), key, "'" + text + "' is not a Kubernetes quantity", example(key, good));
        return value;
    }

    void annotations(String key, List<NamedValueArgs> entries) {
        entries.forEach(e -> check(KubernetesNames.isQualifiedName(e.name()), key + "." + e.name(), "is not a valid annotation key",
                example(key + ".team/owner", "ml-platform")));
    }

    void labels(String key, List<LabelArgs> entries) {
        entries.forEach(e -> {
            check(KubernetesNames.isQualifiedName(e.name()), key + "." + e.name(), "is not a valid label key", example(key + ".team/owner", "ml-platform"));
            check(KubernetesNames.isLabelValue(e.value()), key + "." + e.name(), "'" + e.value() + "' is not a valid label value (63 characters of letters, digits, -_.)",
                    example(key + "." + e.name(), "ml-platform"));
        });
    }

    String example(String path, String value) {
        return keys.apply(path) + ": " + value;
    }

    void check(boolean ok, String path, String problem, String example) {
        if (!ok) {
            problem(path, problem, example);
        }
    }

    void problem(String path, String problem, String example) {
        problems.add(new ArgsProblem(path, problem, example));
    }
}
