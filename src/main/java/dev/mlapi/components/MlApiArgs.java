package dev.mlapi.components;

import dev.mlapi.config.MlApiConfig;
import com.pulumi.core.Output;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link MlApi} is built from: the validated config of one stack.
 *
 * @param stack        the stack it belongs to, recorded in labels so objects can be traced back
 * @param config       the stack's config with environment defaults applied
 * @param secretValues the value of each stack-config secret of {@code config.secrets()} by name, as secret outputs
 * @param awsInitialValues the first value of each AWS secret the stack creates, by name, as secret outputs
 */
public record MlApiArgs(String stack, MlApiConfig config, Map<String, Output<String>> secretValues,
                        Map<String, Output<String>> awsInitialValues) {
    public MlApiArgs {
        awsInitialValues = Map.copyOf(awsInitialValues);
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(config, "config");
        secretValues = Map.copyOf(secretValues);
        for (var secret : config.secretsBySource().stackConfig()) {
            if (!secretValues.containsKey(secret.secret().name())) {
                throw new IllegalArgumentException("no value for secret " + secret.secret().name());
            }
        }
    }
}
