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
import com.pulumi.aws.secretsmanager.SecretVersion;
import com.pulumi.aws.secretsmanager.SecretVersionArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResourceOptions;
import dev.mlapi.components.inputs.AwsSecretArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.ManagedAwsArgs;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.secrets.IamPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AWS side of the External Secrets source, when the stack manages it: the Secrets Manager
 * secrets (with their first value from the args, or set out of band), and an IAM
 * role that only the SecretStore's ServiceAccount can assume, through the cluster's OIDC
 * provider, allowed to read exactly these secrets (and decrypt with their key, for them, through
 * Secrets Manager only), from typed grants ({@link IamPolicy}).
 */
final class AppAwsAccess {
    private AppAwsAccess() {}

    /** The ARN of the role the SecretStore's ServiceAccount assumes, when the component manages AWS. */
    static Optional<Output<String>> create(AppScope scope) {
        Optional<ExternalSecretsArgs> es = scope.args().externalSecrets();
        Optional<ManagedAwsArgs> managedAws = es.flatMap(ExternalSecretsArgs::manageAws);
        List<SecretArgs> synced = SecretRouting.fromAws(scope.args());
        if (managedAws.isEmpty() || synced.isEmpty()) {
            return Optional.empty();
        }
        ManagedAwsArgs managed = managedAws.get();
        String region = es.get().region().orElseThrow();
        String app = scope.labels().name();
        String namespace = AppNamespace.name(app, scope.args());
        var aws = new Provider(scope.labels().objectName("aws"), ProviderArgs.builder().region(region).build(),
                CustomResourceOptions.builder().parent(scope.parent()).build());
        var options = CustomResourceOptions.builder().parent(scope.parent()).provider(aws).build();

        List<Output<String>> arns = new ArrayList<>();
        for (SecretArgs s : synced) {
            AwsSecretArgs source = s.awsSecretsManager().orElseThrow();
            var args = com.pulumi.aws.secretsmanager.SecretArgs.builder().name(source.secretId())
                    .description("Read by " + app + " in " + namespace + " through External Secrets");
            managed.kmsKeyArn().ifPresent(args::kmsKeyId);
            var secret = new Secret(scope.labels().objectName(s.name()), args.build(), options);
            source.initialValue().ifPresent(value -> new SecretVersion(scope.labels().objectName(s.name()), SecretVersionArgs.builder()
                    .secretId(secret.id()).secretString(value).build(), options));
            arns.add(secret.arn());
        }

        var role = new Role(scope.labels().objectName("secrets-reader"), RoleArgs.builder()
                .description("Lets the SecretStore of " + app + " in " + namespace + " read its secrets, and nothing else")
                .assumeRolePolicy(IamPolicy.assumedByServiceAccount(managed.oidcProviderArn(), namespace, AppSecretStoreAccount.name(scope)).json())
                .build(), options);
        Output<String> document = Output.all(arns).applyValue(resources ->
                IamPolicy.readSecrets(resources, managed.kmsKeyArn(), region).json());
        var policy = new Policy(scope.labels().objectName("secrets-read"), PolicyArgs.builder().policy(document).build(), options);
        new RolePolicyAttachment(scope.labels().objectName("secrets-read"), RolePolicyAttachmentArgs.builder()
                .role(role.name()).policyArn(policy.arn()).build(), options);
        return Optional.of(role.arn());
    }
}
