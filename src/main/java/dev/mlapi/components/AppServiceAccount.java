package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import dev.mlapi.config.MlApiConfig;
import java.util.TreeMap;

/**
 * The identity the pods run as; annotations carry the cloud roles the config gives it. The
 * secrets' AWS role is never one of them: the SecretStore has an account of its own
 * ({@link AppSecretStoreAccount}), so model code in the pods holds no AWS credentials.
 */
final class AppServiceAccount {
    private AppServiceAccount() {}

    /** The ServiceAccount's name: created here, or an existing one the config names. */
    static Output<String> create(AppScope scope) {
        MlApiConfig.ServiceAccount sa = scope.config().serviceAccount();
        if (!sa.create()) {
            return Output.of(sa.name());
        }
        var account = new ServiceAccount(sa.name(), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(sa.name()).namespace(scope.namespace())
                        .labels(scope.labels().all(AppLabels.INFERENCE))
                        .annotations(new TreeMap<>(sa.annotations()))
                        .build())
                .automountServiceAccountToken(sa.automountToken())
                .build(), scope.options());
        return account.metadata().applyValue(m -> m.name().orElse(sa.name()));
    }
}
