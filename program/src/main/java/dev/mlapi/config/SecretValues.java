package dev.mlapi.config;

import com.pulumi.Context;
import com.pulumi.core.Output;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of a stack's stack-config secrets, as secret outputs straight from the encrypted stack config:
 * never a plain Java string, so the engine keeps them encrypted in the state and out of logs.
 */
public final class SecretValues {
    /**
     * What a rendered manifest holds instead of a value: render mode writes Secret data to disk
     * in plain text, so it is never given the real one.
     */
    public static final String NOT_RENDERED = "not-rendered:the-value-is-a-secret";

    private SecretValues() {}

    /** The first values of the AWS secrets the stack creates, by secret name. */
    public static Map<String, Output<String>> awsInitialValues(Context ctx, MlApiConfig config) {
        Map<String, Output<String>> values = new LinkedHashMap<>();
        for (var secret : config.secretsBySource().aws()) {
            if (secret.source().valueFrom() != null) {
                values.put(secret.secret().name(), ctx.config("mlapi").requireSecret(secret.source().valueFrom()));
            }
        }
        return values;
    }

    public static Map<String, Output<String>> of(Context ctx, MlApiConfig config) {
        boolean rendering = ctx.config("kubernetes").get("renderYamlToDirectory").isPresent();
        Map<String, Output<String>> values = new LinkedHashMap<>();
        // Only stack-config values pass through the program: the operators fill the other Secrets in the cluster.
        for (var secret : config.secretsBySource().stackConfig()) {
            values.put(secret.secret().name(), rendering ? Output.ofSecret(NOT_RENDERED) : ctx.config("mlapi").requireSecret(secret.source().key()));
        }
        return values;
    }
}
