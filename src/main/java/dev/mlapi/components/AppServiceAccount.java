package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import dev.mlapi.config.MlApiConfig;
import java.util.Map;
import java.util.TreeMap;

/** The identity the pods run as; annotations carry cloud roles (IRSA and the like). */
final class AppServiceAccount {
    private AppServiceAccount() {}

    /** The ServiceAccount's name: created here, or an existing one the config names. */
    static Output<String> create(AppScope scope) {
        MlApiConfig.ServiceAccount sa = scope.config().serviceAccount();
        if (!sa.create()) {
            return Output.of(sa.name());
        }
        var account = new ServiceAccount(sa.name(), ServiceAccountArgs.builder()
                .metadata(scope.metadata(sa.name(), AppLabels.INFERENCE, annotations(scope.config())))
                .automountServiceAccountToken(sa.automountToken())
                .build(), scope.options());
        return account.metadata().applyValue(m -> m.name().orElse(sa.name()));
    }

    /** The configured annotations, plus the IRSA role when the stack's SecretStore reads AWS as this account. */
    private static Map<String, String> annotations(MlApiConfig c) {
        Map<String, String> annotations = new TreeMap<>(c.serviceAccount().annotations());
        boolean readsAws = c.secrets().stream().anyMatch(s -> s.awsSecretsManager() != null)
                && "SecretStore".equals(c.externalSecrets().storeKind());
        if (readsAws) {
            annotations.put("eks.amazonaws.com/role-arn", c.externalSecrets().roleArn());
        }
        return annotations;
    }
}
