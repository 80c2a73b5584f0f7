package dev.mlapi.components;

import com.pulumi.aws.Provider;
import com.pulumi.aws.ProviderArgs;
import com.pulumi.aws.iam.Policy;
import com.pulumi.aws.iam.PolicyArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicyAttachment;
import com.pulumi.aws.iam.RolePolicyAttachmentArgs;
import com.pulumi.aws.secretsmanager.Secret;
import com.pulumi.aws.secretsmanager.SecretArgs;
import com.pulumi.aws.secretsmanager.SecretVersion;
import com.pulumi.aws.secretsmanager.SecretVersionArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResourceOptions;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.SecretSource;
import dev.mlapi.config.SecretsBySource;
import dev.mlapi.secrets.IamPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS side of the External Secrets source, when the stack manages it: the Secrets Manager
 * secrets (with their first value from encrypted stack config, or set out of band), and an IAM
 * role that only the SecretStore's ServiceAccount can assume, through the cluster's OIDC
 * provider, allowed to read exactly these secrets (and decrypt with their key, for them, through
 * Secrets Manager only), from typed grants ({@link IamPolicy}).
 */
final class AppAwsAccess {
    private AppAwsAccess() {}

    /** The ARN of the role the SecretStore's ServiceAccount assumes, when the stack manages AWS. */
    static Optional<Output<String>> create(AppScope scope, Map<String, Output<String>> initialValues) {
        MlApiConfig c = scope.config();
        MlApiConfig.ManagedAws managed = c.externalSecrets().manageAws();
        List<SecretsBySource.Sourced<SecretSource.AwsSecret>> synced = c.secretsBySource().aws();
        if (managed == null || synced.isEmpty()) {
            return Optional.empty();
        }
        var aws = new Provider(scope.labels().objectName("aws"), ProviderArgs.builder().region(c.externalSecrets().region()).build(),
                CustomResourceOptions.builder().parent(scope.parent()).build());
        var options = CustomResourceOptions.builder().parent(scope.parent()).provider(aws).build();

        List<Output<String>> arns = new ArrayList<>();
        for (var s : synced) {
            var args = SecretArgs.builder().name(s.source().secretId())
                    .description("Read by " + c.name() + " in " + c.namespace().name() + " through External Secrets");
            Optional.ofNullable(managed.kmsKeyArn()).ifPresent(args::kmsKeyId);
            String name = s.secret().name();
            var secret = new Secret(scope.labels().objectName(name), args.build(), options);
            if (initialValues.containsKey(name)) {
                new SecretVersion(scope.labels().objectName(name), SecretVersionArgs.builder()
                        .secretId(secret.id()).secretString(initialValues.get(name)).build(), options);
            }
            arns.add(secret.arn());
        }

        var role = new Role(scope.labels().objectName("secrets-reader"), RoleArgs.builder()
                .description("Lets the SecretStore of " + c.name() + " in " + c.namespace().name() + " read its secrets, and nothing else")
                .assumeRolePolicy(IamPolicy.assumedByServiceAccount(managed.oidcProviderArn(), c.namespace().name(), AppSecretStoreAccount.name(scope)).json())
                .build(), options);
        Output<String> document = Output.all(arns).applyValue(resources ->
                IamPolicy.readSecrets(resources, Optional.ofNullable(managed.kmsKeyArn()), c.externalSecrets().region()).json());
        var policy = new Policy(scope.labels().objectName("secrets-read"), PolicyArgs.builder().policy(document).build(), options);
        new RolePolicyAttachment(scope.labels().objectName("secrets-read"), RolePolicyAttachmentArgs.builder()
                .role(role.name()).policyArn(policy.arn()).build(), options);
        return Optional.of(role.arn());
    }
}
