package dev.mlapi.config;

/** One thing wrong with a stack's config: where, what, and a value that would be right. */
public record ConfigProblem(String stack, String key, String problem, String example) {
    @Override
    public String toString() {
        return "[" + stack + "] mlapi:" + key + ": " + problem + " (for example: " + example + ")";
    }
}
