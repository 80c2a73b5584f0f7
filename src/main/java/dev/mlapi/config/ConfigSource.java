package dev.mlapi.config;

import java.util.Optional;
import java.util.Set;

/** Where a stack's {@code mlapi:} values come from: the engine at run time, or a stack file. */
public interface ConfigSource {
    String stack();

    /** The keys set under {@code mlapi:}, without the namespace. */
    Set<String> keys();

    /** A value as the engine passes it: scalars as text, structured values as JSON. */
    Optional<String> get(String key);
}
