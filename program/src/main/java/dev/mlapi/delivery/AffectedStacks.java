package dev.mlapi.delivery;

import dev.mlapi.config.Environment;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which stacks a set of changed files can change: a stack file affects its own stack; the
 * program, its build and its project file, and the engine deploys run (./mlapi's engine and the
 * pinned CLI, Java host and provider) affect every stack; documentation and CI files none.
 */
public final class AffectedStacks {
    private static final Pattern STACK_FILE = Pattern.compile("^Pulumi\\.([^./]+)\\.yaml$");
    private static final List<Pattern> PROGRAM = List.of(
            // The program's module and the library's it is built with.
            Pattern.compile("^(program|component)/src/main/.*"), Pattern.compile("^((program|component)/)?pom\\.xml$"),
            Pattern.compile("^Pulumi\\.yaml$"),
            // Deploys run the engine through ./mlapi with the CLI, Java host and provider tools/ pins.
            Pattern.compile("^mlapi$"), Pattern.compile("^lib/engine\\.sh$"), Pattern.compile("^lib/bin/.*"),
            Pattern.compile("^tools/tools\\.txt$"), Pattern.compile("^tools/(pulumi|pulumi-java|pulumi-kubernetes)/.*"));

    private AffectedStacks() {}

    public static List<Environment> of(Collection<String> changedFiles, List<Environment> candidates) {
        if (changedFiles.stream().anyMatch(f -> PROGRAM.stream().anyMatch(p -> p.matcher(f).matches()))) {
            return candidates;
        }
        return candidates.stream()
                .filter(stack -> changedFiles.stream().map(AffectedStacks::stackOf).anyMatch(s -> s.equals(Optional.of(stack))))
                .toList();
    }

    private static Optional<Environment> stackOf(String file) {
        Matcher m = STACK_FILE.matcher(file);
        return m.matches() ? Environment.fromId(m.group(1)) : Optional.empty();
    }
}
