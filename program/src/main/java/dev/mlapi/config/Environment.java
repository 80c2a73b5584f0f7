package dev.mlapi.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The three environments a stack can deploy to; each has its own defaults and rules. */
public enum Environment {
    DEV("dev"),
    STAGING("staging"),
    PRODUCTION("production");

    private final String id;

    Environment(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Staging and production only run images that cannot change under the same reference. */
    public boolean requiresImmutableImage() {
        return this != DEV;
    }

    public static Optional<Environment> fromId(String id) {
        return Arrays.stream(values()).filter(e -> e.id.equals(id)).findFirst();
    }
}
