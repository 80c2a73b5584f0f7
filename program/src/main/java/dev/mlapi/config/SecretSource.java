package dev.mlapi.config;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where a secret's value comes from: the encrypted stack config, AWS Secrets Manager (synced
 * into the cluster by the External Secrets Operator), or a value sealed for the cluster's
 * Sealed Secrets controller. Every decision on a source is a {@link #match} (or {@link #visit}),
 * the switch over this sealed type that Java 17 allows: each one names all three sources, so
 * a fourth would not compile until every decision takes it.
 */
public sealed interface SecretSource permits SecretSource.StackConfig, SecretSource.AwsSecret, SecretSource.Sealed {
    <T> T match(Function<StackConfig, T> stackConfig, Function<AwsSecret, T> aws, Function<Sealed, T> sealed);

    default void visit(Consumer<StackConfig> stackConfig, Consumer<AwsSecret> aws, Consumer<Sealed> sealed) {
        match(k -> run(stackConfig, k), a -> run(aws, a), s -> run(sealed, s));
    }

    private static <S> Void run(Consumer<S> action, S source) {
        action.accept(source);
        return null;
    }

    /** The encrypted stack-config key holding the value, set with {@code pulumi config set --secret mlapi:<key>}. */
    record StackConfig(String key) implements SecretSource {
        @Override
        public <T> T match(Function<StackConfig, T> stackConfig, Function<AwsSecret, T> aws, Function<Sealed, T> sealed) {
            return stackConfig.apply(this);
        }
    }

    /**
     * An AWS Secrets Manager entry: its name or ARN, optionally one JSON property and a version
     * stage. When the stack manages AWS, {@code valueFrom} names the encrypted stack-config key
     * holding its value (without it, the value is set out of band).
     */
    record AwsSecret(String secretId, String property, String versionStage, String valueFrom) implements SecretSource {
        @Override
        public <T> T match(Function<StackConfig, T> stackConfig, Function<AwsSecret, T> aws, Function<Sealed, T> sealed) {
            return aws.apply(this);
        }
    }

    /**
     * A value sealed with the environment's Sealed Secrets certificate ({@code ./mlapi seal}): safe
     * in git, readable only by the controller in that environment's cluster.
     */
    record Sealed(String encryptedData) implements SecretSource {
        @Override
        public <T> T match(Function<StackConfig, T> stackConfig, Function<AwsSecret, T> aws, Function<Sealed, T> sealed) {
            return sealed.apply(this);
        }
    }
}
