package dev.mlapi.components;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem of an {@link MlApi}'s args, raised before the component creates anything. */
public final class InvalidArgsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<ArgsProblem> problems;

    public InvalidArgsException(String name, List<ArgsProblem> problems) {
        super(problems.size() + " problem(s) in the args of MlApi '" + name + "':\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ArgsProblem> problems() {
        return problems;
    }
}
