package dev.mlapi.components;

import dev.mlapi.config.MlApiConfig;
import java.util.Objects;

/**
 * What an {@link MlApi} is built from: the validated config of one stack.
 *
 * @param stack  the stack it belongs to, recorded in labels so objects can be traced back
 * @param config the stack's config with environment defaults applied
 */
public record MlApiArgs(String stack, MlApiConfig config) {
    public MlApiArgs {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(config, "config");
    }
}
