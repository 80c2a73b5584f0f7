package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.resources.Resource;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.secrets.KubernetesCustomResource;
import java.util.Map;
import java.util.Optional;

/** The namespaced SecretStore that reads AWS Secrets Manager as its own ServiceAccount (IRSA). */
final class AppSecretStore {
    private AppSecretStore() {}

    static String name(AppScope scope) {
        return scope.labels().objectName("aws");
    }

    /** @param account the store's ServiceAccount, made when the stack needs a store ({@link AppSecretStoreAccount#needed}) */
    static Optional<Resource> create(AppScope scope, Optional<Output<String>> account) {
        if (account.isEmpty()) {
            return Optional.empty();
        }
        ExternalSecretsArgs es = scope.args().externalSecrets().orElseThrow();
        Output<Map<String, Object>> spec = account.get().applyValue(sa -> Map.of("provider", Map.of("aws", Map.of(
                "service", "SecretsManager",
                "region", es.region().orElseThrow(),
                "auth", Map.of("jwt", Map.of("serviceAccountRef", Map.of("name", sa)))))));
        return Optional.of(new KubernetesCustomResource(name(scope), new KubernetesCustomResource.Args(AppExternalSecrets.API_VERSION, "SecretStore",
                scope.metadata(name(scope), AppLabels.INFERENCE), spec), scope.options()));
    }
}
