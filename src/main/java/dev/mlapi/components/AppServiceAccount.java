package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import dev.mlapi.config.MlApiConfig;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The identity the pods run as; annotations carry cloud roles (IRSA and the like). */
final class AppServiceAccount {
    private AppServiceAccount() {}

    /** The ServiceAccount's name: created here, or an existing one the config names. */
    /** @param awsRole the IAM role the stack made for its secrets, which the account assumes (IRSA) */
    static Output<String> create(AppScope scope, Optional<Output<String>> awsRole) {
        MlApiConfig.ServiceAccount sa = scope.config().serviceAccount();
        if (!sa.create()) {
            return Output.of(sa.name());
        }
        var account = new ServiceAccount(sa.name(), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(sa.name()).namespace(scope.namespace())
                        .labels(scope.labels().all(AppLabels.INFERENCE))
                        .annotations(awsRole.orElse(Output.of("")).applyValue(role -> annotations(scope.config(), role)))
                        .build())
                .automountServiceAccountToken(sa.automountToken())
                .build(), scope.options());
        return account.metadata().applyValue(m -> m.name().orElse(sa.name()));
    }

    /** The configured annotations, plus the IRSA role when the stack's SecretStore reads AWS as this account. */
    private static Map<String, String> annotations(MlApiConfig c, String madeRole) {
        Map<String, String> annotations = new TreeMap<>(c.serviceAccount().annotations());
        boolean readsAws = c.secrets().stream().anyMatch(s -> s.awsSecretsManager() != null)
                && "SecretStore".equals(c.externalSecrets().storeKind());
        if (readsAws) {
            annotations.put("eks.amazonaws.com/role-arn", madeRole.isEmpty() ? c.externalSecrets().roleArn() : madeRole);
        }
        return annotations;
    }
}
