package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import dev.mlapi.config.MlApiConfig;

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
                .metadata(scope.metadata(sa.name(), AppLabels.INFERENCE, sa.annotations()))
                .automountServiceAccountToken(sa.automountToken())
                .build(), scope.options());
        return account.metadata().applyValue(m -> m.name().orElse(sa.name()));
    }
}
