package dev.mlapi.components;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS side of the External Secrets source, when the stack manages it: the Secrets Manager
 * secrets (with their first value from encrypted stack config, or set out of band), and an IAM
 * role that only this namespace's ServiceAccount can assume, through the cluster's OIDC
 * provider, allowed to read exactly these secrets (and decrypt with their key, when one is set).
 */
final class AppAwsAccess {
    private static final JsonMapper JSON = new JsonMapper();

    private AppAwsAccess() {}

    /** The ARN of the role the ServiceAccount assumes, when the stack manages AWS. */
    static Optional<Output<String>> create(AppScope scope, Map<String, Output<String>> initialValues) {
        MlApiConfig c = scope.config();
        MlApiConfig.ManagedAws managed = c.externalSecrets().manageAws();
        List<MlApiConfig.SecretRef> synced = c.secrets().stream().filter(s -> s.awsSecretsManager() != null).toList();
        if (managed == null || synced.isEmpty()) {
            return Optional.empty();
        }
        var aws = new Provider(scope.labels().objectName("aws"), ProviderArgs.builder().region(c.externalSecrets().region()).build(),
                CustomResourceOptions.builder().parent(scope.parent()).build());
        var options = CustomResourceOptions.builder().parent(scope.parent()).provider(aws).build();

        List<Output<String>> arns = new ArrayList<>();
        for (MlApiConfig.SecretRef s : synced) {
            var args = SecretArgs.builder().name(s.awsSecretsManager().secretId())
                    .description("Read by " + c.name() + " in " + c.namespace().name() + " through External Secrets");
            Optional.ofNullable(managed.kmsKeyArn()).ifPresent(args::kmsKeyId);
            var secret = new Secret(scope.labels().objectName(s.name()), args.build(), options);
            if (initialValues.containsKey(s.name())) {
                new SecretVersion(scope.labels().objectName(s.name()), SecretVersionArgs.builder()
                        .secretId(secret.id()).secretString(initialValues.get(s.name())).build(), options);
            }
            arns.add(secret.arn());
        }

        String issuer = managed.oidcProviderArn().substring(managed.oidcProviderArn().indexOf("oidc-provider/") + "oidc-provider/".length());
        String subject = "system:serviceaccount:" + c.namespace().name() + ":" + c.serviceAccount().name();
        var role = new Role(scope.labels().objectName("secrets-reader"), RoleArgs.builder()
                .description("Lets " + subject + " read its secrets, and nothing else")
                .assumeRolePolicy(json(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Effect", "Allow",
                        "Principal", Map.of("Federated", managed.oidcProviderArn()),
                        "Action", "sts:AssumeRoleWithWebIdentity",
                        "Condition", Map.of("StringEquals", Map.of(issuer + ":sub", subject, issuer + ":aud", "sts.amazonaws.com")))))))
                .build(), options);
        Output<String> document = Output.all(arns).applyValue(resources -> {
            List<Map<String, Object>> statements = new ArrayList<>();
            statements.add(Map.of("Effect", "Allow", "Action", List.of("secretsmanager:GetSecretValue"), "Resource", resources));
            if (managed.kmsKeyArn() != null) {
                statements.add(Map.of("Effect", "Allow", "Action", List.of("kms:Decrypt"), "Resource", List.of(managed.kmsKeyArn())));
            }
            return json(Map.of("Version", "2012-10-17", "Statement", statements));
        });
        var policy = new Policy(scope.labels().objectName("secrets-read"), PolicyArgs.builder().policy(document).build(), options);
        new RolePolicyAttachment(scope.labels().objectName("secrets-read"), RolePolicyAttachmentArgs.builder()
                .role(role.name()).policyArn(policy.arn()).build(), options);
        return Optional.of(role.arn());
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
