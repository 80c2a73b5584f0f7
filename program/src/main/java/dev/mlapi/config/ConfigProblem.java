package dev.mlapi.config;

/**
 * One thing wrong with a stack's config: where, what, and a value that would be right. An empty
 * key means the stack file as a whole (it cannot be read).
 */
public record ConfigProblem(String stack, String key, String problem, String example) {
    @Override
    public String toString() {
        return "[" + stack + "] " + (key.isEmpty() ? "" : "mlapi:" + key + ": ") + problem + " (for example: " + example + ")";
    }
}
