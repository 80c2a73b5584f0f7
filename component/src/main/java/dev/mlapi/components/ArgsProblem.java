package dev.mlapi.components;

/**
 * One thing wrong with an {@link MlApiArgs}: where (the args path, as {@code probes.timeoutSeconds}
 * or {@code scheduling.tolerations[0].effect}; {@code name} is the component's name), what, and
 * a value that would be right.
 */
public record ArgsProblem(String path, String problem, String example) {
    @Override
    public String toString() {
        return path + ": " + problem + " (for example: " + example + ")";
    }
}
