package dev.mlapi.config;

import java.util.List;
import java.util.stream.Collectors;

/** All the problems of one stack's config, raised before any resource is registered. */
public final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(String stack, List<ConfigProblem> problems) {
        super(problems.size() + " problem(s) in the config of stack '" + stack + "':\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
