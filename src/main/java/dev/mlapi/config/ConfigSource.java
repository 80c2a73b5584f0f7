package dev.mlapi.config;

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

    /** A value as the engine passes it: scalars as text, structured values as JSON. */
    Optional<String> get(String key);

    static ConfigSource of(String stack, Set<String> keys, Set<String> encryptedKeys, Function<String, Optional<String>> values) {
        return new Lookup(stack, Set.copyOf(keys), Set.copyOf(encryptedKeys), values);
    }

    record Lookup(String stack, Set<String> keys, Set<String> encryptedKeys, Function<String, Optional<String>> values)
            implements ConfigSource {
        @Override
        public Optional<String> get(String key) {
            return values.apply(key);
        }
    }
}
