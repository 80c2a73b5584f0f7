package dev.mlapi.components.inputs;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** How the External Secrets Operator reaches AWS for the secrets from AWS Secrets Manager. */
public final class ExternalSecretsArgs extends ResourceArgs {
    @Import(name = "storeKind")
    private String storeKind;
    @Import(name = "clusterStoreName")
    private String clusterStoreName;
    @Import(name = "region")
    private String region;
    @Import(name = "roleArn")
    private Output<Output<String>> roleArn;
    @Import(name = "refreshInterval")
    private String refreshInterval;
    @Import(name = "manageAws")
    private ManagedAwsArgs manageAws;

    private ExternalSecretsArgs() {}

    /** SecretStore (the component creates one, reading as its own ServiceAccount through IRSA) or ClusterSecretStore (an existing one). */
    public String storeKind() { return storeKind; }
    /** The existing ClusterSecretStore, with storeKind ClusterSecretStore. */
    public Optional<String> clusterStoreName() { return Optional.ofNullable(clusterStoreName); }
    /** The AWS region of the secrets, with storeKind SecretStore. */
    public Optional<String> region() { return Optional.ofNullable(region); }
    /** The IAM role the SecretStore's ServiceAccount assumes; not with manageAws, which makes one. */
    public Optional<Output<String>> roleArn() { return Optional.ofNullable(Wrapped.flat(roleArn)); }
    /** How often the operator reads the secrets again (1h, 30m). */
    public String refreshInterval() { return refreshInterval; }
    /** Create the AWS secrets and the role too. */
    public Optional<ManagedAwsArgs> manageAws() { return Optional.ofNullable(manageAws); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ExternalSecretsArgs $ = new ExternalSecretsArgs();

        public Builder storeKind(String storeKind) { $.storeKind = storeKind; return this; }
        public Builder clusterStoreName(String clusterStoreName) { $.clusterStoreName = clusterStoreName; return this; }
        public Builder region(String region) { $.region = region; return this; }
        public Builder roleArn(Output<String> roleArn) { $.roleArn = Wrapped.wrap(roleArn); return this; }
        public Builder roleArn(String roleArn) { return roleArn(Output.of(roleArn)); }
        public Builder refreshInterval(String refreshInterval) { $.refreshInterval = refreshInterval; return this; }
        public Builder manageAws(ManagedAwsArgs manageAws) { $.manageAws = manageAws; return this; }

        public ExternalSecretsArgs build() {
            return $;
        }
    }
}
