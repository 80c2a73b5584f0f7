package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** The AWS side the component creates: the Secrets Manager secrets, and a role only the SecretStore's ServiceAccount can assume. */
public final class ManagedAwsArgs extends ResourceArgs {
    @Import(name = "oidcProviderArn", required = true)
    private String oidcProviderArn;
    @Import(name = "kmsKeyArn")
    private String kmsKeyArn;

    private ManagedAwsArgs() {}

    /** The cluster's IAM OIDC provider, which the role trusts. */
    public String oidcProviderArn() { return oidcProviderArn; }
    /** The KMS key that encrypts the secrets; default: the account's AWS managed key. */
    public Optional<String> kmsKeyArn() { return Optional.ofNullable(kmsKeyArn); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ManagedAwsArgs $ = new ManagedAwsArgs();

        public Builder oidcProviderArn(String oidcProviderArn) { $.oidcProviderArn = oidcProviderArn; return this; }
        public Builder kmsKeyArn(String kmsKeyArn) { $.kmsKeyArn = kmsKeyArn; return this; }

        public ManagedAwsArgs build() {
            return $;
        }
    }
}
