package dev.mlapi.components.inputs;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** An AWS Secrets Manager secret, synced into the cluster by the External Secrets Operator. */
public final class AwsSecretArgs extends ResourceArgs {
    @Import(name = "secretId", required = true)
    private String secretId;
    @Import(name = "property")
    private String property;
    @Import(name = "versionStage")
    private String versionStage;
    @Import(name = "initialValue")
    private Output<Output<String>> initialValue;

    private AwsSecretArgs() {}

    /** The secret's name or ARN. */
    public String secretId() { return secretId; }
    /** One property of a JSON secret. */
    public Optional<String> property() { return Optional.ofNullable(property); }
    /** A version stage (AWSCURRENT). */
    public Optional<String> versionStage() { return Optional.ofNullable(versionStage); }
    /** The first value of a secret the component creates (ExternalSecretsArgs.manageAws); a secret output. Without it the value is set out of band. */
    public Optional<Output<String>> initialValue() { return Optional.ofNullable(Wrapped.flat(initialValue)); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final AwsSecretArgs $ = new AwsSecretArgs();

        public Builder secretId(String secretId) { $.secretId = secretId; return this; }
        public Builder property(String property) { $.property = property; return this; }
        public Builder versionStage(String versionStage) { $.versionStage = versionStage; return this; }
        public Builder initialValue(Output<String> initialValue) { $.initialValue = Wrapped.wrap(initialValue); return this; }
        public Builder initialValue(String initialValue) { return initialValue(Output.of(initialValue)); }

        public AwsSecretArgs build() {
            return $;
        }
    }
}
