package dev.mlapi.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Where a stack's {@code mlapi:} values come from: the engine at run time, or a stack file. */
public interface ConfigSource {
    String stack();

    /** The keys set under {@code mlapi:}, without the namespace. */
    Set<String> keys();

    /** The keys whose value is encrypted in the stack file ({@code secure:}). */
    Set<String> encryptedKeys();

    /**
     * Where the encrypted values are, as dotted paths under {@code mlapi:}: a key itself
     * ({@code registryToken}), or a value nested in one ({@code env.WANDB_KEY}, as
     * {@code pulumi config set --secret --path} writes it).
     */
    default Set<String> encryptedValues() {
        return encryptedKeys();
    }

    /** A value as the engine passes it: scalars as text, structured values as JSON. */
    Optional<String> get(String key);

    /**
     * Plain scalars of the stack file that YAML turns into other text than was written
     * ({@code tag: 0755} reaches the program as 493), by JSON pointer ({@code /image/tag}), with
     * the written text.
     */
    default Map<String, String> rewritten() {
        return Map.of();
    }

    static ConfigSource of(String stack, Set<String> keys, Set<String> encryptedKeys, Function<String, Optional<String>> values) {
        return of(stack, keys, encryptedKeys, Map.of(), values);
    }

    static ConfigSource of(String stack, Set<String> keys, Set<String> encryptedKeys, Map<String, String> rewritten,
                           Function<String, Optional<String>> values) {
        return of(stack, keys, encryptedKeys, encryptedKeys, rewritten, values);
    }

    static ConfigSource of(String stack, Set<String> keys, Set<String> encryptedKeys, Set<String> encryptedValues,
                           Map<String, String> rewritten, Function<String, Optional<String>> values) {
        return new Lookup(stack, Set.copyOf(keys), Set.copyOf(encryptedKeys), Set.copyOf(encryptedValues),
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rewritten)), values);
    }

    record Lookup(String stack, Set<String> keys, Set<String> encryptedKeys, Set<String> encryptedValues, Map<String, String> rewritten,
                  Function<String, Optional<String>> values) implements ConfigSource {
        @Override
        public Optional<String> get(String key) {
            return values.apply(key);
        }
    }
}
