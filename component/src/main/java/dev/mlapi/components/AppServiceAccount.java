package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import dev.mlapi.components.inputs.ServiceAccountArgs;

/**
 * The identity the pods run as; annotations carry the cloud roles the args give it. The
 * secrets' AWS role is never one of them: the SecretStore has an account of its own
 * ({@link AppSecretStoreAccount}), so model code in the pods holds no AWS credentials.
 */
final class AppServiceAccount {
    private AppServiceAccount() {}

    /** The ServiceAccount's name: created here, or an existing one the args name. */
    static Output<String> create(AppScope scope) {
        ServiceAccountArgs sa = scope.args().serviceAccount();
        String name = sa.name().orElse(scope.labels().name());
        if (!sa.create()) {
            return Output.of(name);
        }
        var account = new ServiceAccount(name, com.pulumi.kubernetes.core.v1.ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(name).namespace(scope.namespace())
                        .labels(scope.labels().all(AppLabels.INFERENCE))
                        .annotations(Inputs.map(sa.annotations()))
                        .build())
                .automountServiceAccountToken(sa.automountToken())
                .build(), scope.options());
        return account.metadata().applyValue(m -> m.name().orElse(name));
    }
}
