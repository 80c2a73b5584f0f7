package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ServiceAccount;
import com.pulumi.kubernetes.core.v1.ServiceAccountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import java.util.Map;
import java.util.Optional;

/**
 * The identity the stack's SecretStore reads AWS Secrets Manager as (IRSA): the operator asks
 * for its tokens, no pod runs as it. The inference pods, which may run model code, keep an
 * account of their own with no AWS role.
 */
final class AppSecretStoreAccount {
    static final String COMPONENT = "secret-store";

    private AppSecretStoreAccount() {}

    /** A namespaced SecretStore reads AWS: the API's secrets come from there and no shared ClusterSecretStore is named. */
    static boolean needed(MlApiArgs args) {
        return !SecretRouting.fromAws(args).isEmpty() && args.externalSecrets().filter(es -> "SecretStore".equals(es.storeKind())).isPresent();
    }

    static String name(AppScope scope) {
        return scope.labels().objectName(COMPONENT);
    }

    /**
     * The account's name, when {@link #needed}.
     * @param madeRole the IAM role the component made for its secrets; without one, externalSecrets.roleArn
     */
    static Optional<Output<String>> create(AppScope scope, Optional<Output<String>> madeRole) {
        if (!needed(scope.args())) {
            return Optional.empty();
        }
        Output<String> role = madeRole.orElseGet(() -> SecretArgsRules.checkedRoleArn(scope.labels().name(), scope.args()));
        var account = new ServiceAccount(name(scope), ServiceAccountArgs.builder()
                .metadata(ObjectMetaArgs.builder(scope.metadata(name(scope), COMPONENT))
                        .annotations(role.applyValue(arn -> Map.of("eks.amazonaws.com/role-arn", arn))).build())
                .automountServiceAccountToken(false)
                .build(), scope.options());
        return Optional.of(account.metadata().applyValue(m -> m.name().orElse(name(scope))));
    }
}
