package dev.mlapi.components;

import com.pulumi.core.Output;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.ManagedAwsArgs;
import dev.mlapi.components.inputs.SealedArgs;
import dev.mlapi.components.inputs.SecretArgs;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The rules of the API's secrets and of how the External Secrets Operator reaches AWS for them. */
public final class SecretArgsRules extends ArgsRules {
    private static final Pattern SECRET_ARN = Pattern.compile("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$");
    private static final Pattern SEALED = Pattern.compile("^[A-Za-z0-9+/]{64,}={0,2}$");
    private static final Pattern SECRET_NAME = Pattern.compile("^[A-Za-z0-9/_+=.@-]{1,512}$");
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$");
    private static final Pattern OIDC_PROVIDER_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/[A-Za-z0-9./_-]+$");
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-gov)?-[a-z]+-\\d$");

    SecretArgsRules(UnaryOperator<String> keys, List<ArgsProblem> problems) {
        super(keys, problems);
    }

    /**
     * What a consumer knows of where its secrets' values come from: the problems of entry
     * {@code index}'s source, reported in its place. The component's own ({@link #ownSources}):
     * exactly one source, and a sealed value that is one.
     */
    @FunctionalInterface
    public interface SecretSources {
        List<ArgsProblem> problems(int index, SecretArgs secret);
    }

    /** Each secret has one name, one target (a variable or a file) and one source, and reaches the container once. */
    public void secrets(MlApiArgs args, SecretSources sources) {
        Set<String> targets = new HashSet<>();
        args.env().forEach(e -> targets.add(e.name()));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < args.secrets().size(); i++) {
            SecretArgs s = args.secrets().get(i);
            String at = "secrets[" + i + "]";
            String env = s.env().orElse(null);
            String mountPath = s.mountPath().orElse(null);
            check(s.name() != null && KubernetesNames.isDnsSubdomain(s.name()), at + ".name", "'" + s.name() + "' is not a valid secret name", "name: model-registry-token");
            check(s.name() == null || names.add(s.name()), at + ".name", "'" + s.name() + "' is used twice", "name: model-registry-token-2");
            check((env == null) != (mountPath == null), at, "takes exactly one of env (a variable) or mountPath (a folder for a file)", "env: MODEL_REGISTRY_TOKEN");
            if (env != null) {
                check(ContainerArgsRules.isEnvName(env), at + ".env", "is not a valid environment variable name", "env: MODEL_REGISTRY_TOKEN");
                check(targets.add(env), at + ".env", env + " is set twice (here and in " + keys.apply("env") + " or another secret)", "env: MODEL_REGISTRY_TOKEN_2");
            }
            if (mountPath != null) {
                check(mountPath.startsWith("/"), at + ".mountPath", "must be an absolute path", "mountPath: /var/run/secrets/registry");
                check(targets.add(mountPath + "/" + s.name()), at + ".mountPath", "the file " + mountPath + "/" + s.name() + " is written twice",
                        "mountPath: /var/run/secrets/other");
            }
            problems.addAll(sources.problems(i, s));
            if (s.awsSecretsManager().isPresent()) {
                awsSecret(at + ".awsSecretsManager", s.awsSecretsManager().get().secretId());
                // The operator rotates the Secret in place; only a mounted file sees the new value without a restart.
                check(env == null, at + ".env", "an env var keeps the old value after AWS Secrets Manager rotates it, until the pods"
                        + " restart; read it from a file the operator keeps current", "mountPath: /var/run/secrets/" + s.name());
            }
        }
    }

    private void awsSecret(String at, String id) {
        if (id == null || id.isBlank()) {
            problem(at + ".secretId", "is required: the Secrets Manager name or ARN", "secretId: ml/sentiment/registry-token");
        } else if (id.startsWith("arn:")) {
            check(SECRET_ARN.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret ARN",
                    "secretId: arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/registry-token-AbCdEf");
        } else {
            check(SECRET_NAME.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret name", "secretId: ml/sentiment/registry-token");
        }
    }

    /** The component's own rules on a secret's source: exactly one, and a sealed value that is one. */
    static List<ArgsProblem> ownSources(int index, SecretArgs s) {
        String at = "secrets[" + index + "]";
        long sources = Stream.of(s.value(), s.awsSecretsManager(), s.sealed()).filter(Optional::isPresent).count();
        if (sources != 1) {
            return List.of(new ArgsProblem(at, "takes exactly one source: value (a secret output), awsSecretsManager or sealed",
                    "awsSecretsManager: {secretId: ml/sentiment/registry-token}"));
        }
        String sealed = s.sealed().map(SealedArgs::encryptedData).orElse(null);
        if (s.sealed().isPresent() && !isSealedValue(sealed)) {
            return List.of(new ArgsProblem(at + ".sealed.encryptedData", "is not a sealed value; seal it with kubeseal --scope strict for the"
                    + " namespace and the Secret MlApi.sealedSecretName gives", "sealed: {encryptedData: AgBy3i4OJSWK+PiTySYZZA...}"));
        }
        return List.of();
    }

    /** A value sealed by kubeseal: base64 of its ciphertext. */
    public static boolean isSealedValue(String encryptedData) {
        return encryptedData != null && SEALED.matcher(encryptedData).matches();
    }

    /**
     * How the External Secrets Operator reaches AWS, when a secret comes from there.
     * @param roleArn the role's ARN when the consumer knows its value now; the component checks it once known
     */
    public void externalSecrets(MlApiArgs args, Optional<String> roleArn) {
        if (SecretRouting.fromAws(args).isEmpty()) {
            return;
        }
        if (args.externalSecrets().isEmpty()) {
            problem("externalSecrets", "is required when a secret comes from AWS Secrets Manager", example("externalSecrets.region", "eu-west-1"));
            return;
        }
        ExternalSecretsArgs es = args.externalSecrets().get();
        if ("ClusterSecretStore".equals(es.storeKind())) {
            check(es.clusterStoreName().filter(KubernetesNames::isDnsSubdomain).isPresent(), "externalSecrets.clusterStoreName",
                    "names the existing ClusterSecretStore to use", example("externalSecrets.clusterStoreName", "aws-secrets-manager"));
        } else {
            check("SecretStore".equals(es.storeKind()), "externalSecrets.storeKind", "must be SecretStore or ClusterSecretStore", example("externalSecrets.storeKind", "SecretStore"));
            check(es.region().filter(region -> REGION.matcher(region).matches()).isPresent(), "externalSecrets.region", "is required: the AWS region of the secrets",
                    example("externalSecrets.region", "eu-west-1"));
            if (es.manageAws().isPresent()) {
                ManagedAwsArgs managed = es.manageAws().get();
                String oidc = managed.oidcProviderArn();
                check(oidc != null && OIDC_PROVIDER_ARN.matcher(oidc).matches(), "externalSecrets.manageAws.oidcProviderArn",
                        oidc == null ? "is required: the cluster's IAM OIDC provider, which the role trusts" : "'" + oidc + "' is not an IAM OIDC provider ARN",
                        "oidcProviderArn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789");
                check(managed.kmsKeyArn().filter(kms -> !kms.matches("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[a-f0-9-]+$")).isEmpty(),
                        "externalSecrets.manageAws.kmsKeyArn", "is not a KMS key ARN", "kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
                check(es.roleArn().isEmpty(), "externalSecrets.roleArn", "is made by the stack when it manages AWS; leave it out",
                        "no " + keys.apply("externalSecrets.roleArn") + " beside manageAws");
                SecretRouting.fromAws(args).stream().filter(s -> s.awsSecretsManager().orElseThrow().secretId() != null
                        && s.awsSecretsManager().orElseThrow().secretId().startsWith("arn:")).forEach(s -> problem("secrets",
                        s.name() + " names an ARN, but a secret the stack creates is named, not an ARN", "secretId: ml/sentiment/db"));
            } else if (es.roleArn().isEmpty() || roleArn.isPresent()) {
                problems.addAll(roleArn(roleArn.orElse(null), keys));
            }
        }
        check(es.refreshInterval() != null && es.refreshInterval().matches("^(\\d+(s|m|h))+$"), "externalSecrets.refreshInterval", "is not a duration",
                example("externalSecrets.refreshInterval", "1h"));
    }

    /** The role the SecretStore's ServiceAccount assumes (IRSA): required without manageAws, and an IAM role ARN. */
    private static List<ArgsProblem> roleArn(String roleArn, UnaryOperator<String> keys) {
        MlApiArgsRules rules = new MlApiArgsRules(keys);
        rules.check(roleArn != null && ROLE_ARN.matcher(roleArn).matches(), "externalSecrets.roleArn",
                roleArn == null ? "is required: the IAM role the ServiceAccount assumes (IRSA) to read the secrets" : "'" + roleArn + "' is not an IAM role ARN",
                rules.example("externalSecrets.roleArn", "arn:aws:iam::123456789012:role/sentiment-api-secrets"));
        return rules.problems;
    }

    /** The role's ARN of the args, failing the component when its value is not an IAM role ARN. */
    static Output<String> checkedRoleArn(String name, MlApiArgs args) {
        return args.externalSecrets().flatMap(ExternalSecretsArgs::roleArn).orElseThrow().applyValue(arn -> {
            List<ArgsProblem> problems = roleArn(arn, UnaryOperator.identity());
            if (!problems.isEmpty()) {
                throw new InvalidArgsException(name, problems);
            }
            return arn;
        });
    }
}
