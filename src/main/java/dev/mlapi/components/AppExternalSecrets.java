package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.resources.Resource;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.secrets.KubernetesCustomResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS Secrets Manager entries synced into one Secret by the External Secrets Operator: a
 * namespaced SecretStore that reads AWS as its own ServiceAccount (IRSA), or an existing
 * ClusterSecretStore, and an ExternalSecret that owns the resulting Secret. The values never
 * pass through Pulumi: the operator refreshes the Secret in the cluster every refreshInterval,
 * and mounted files follow without a restart.
 */
final class AppExternalSecrets {
    static final String API_VERSION = "external-secrets.io/v1";

    private AppExternalSecrets() {}

    /** The name of the Secret the operator writes, when any secret comes from AWS. */
    /** @param storeAccount the SecretStore's own ServiceAccount, when the stack has a SecretStore */
    static Optional<Output<String>> create(AppScope scope, Optional<Output<String>> storeAccount) {
        MlApiConfig c = scope.config();
        List<MlApiConfig.SecretRef> synced = c.secrets().stream().filter(s -> s.awsSecretsManager() != null).toList();
        if (synced.isEmpty()) {
            return Optional.empty();
        }
        MlApiConfig.ExternalSecrets es = c.externalSecrets();
        String target = scope.labels().objectName("aws-secrets");
        List<Resource> store = new ArrayList<>();
        String storeName = es.clusterStoreName();
        if (!"ClusterSecretStore".equals(es.storeKind())) {
            storeName = scope.labels().objectName("aws");
            Output<Map<String, Object>> storeSpec = storeAccount.orElseThrow().applyValue(sa -> Map.of("provider", Map.of("aws", Map.of(
                    "service", "SecretsManager",
                    "region", es.region(),
                    "auth", Map.of("jwt", Map.of("serviceAccountRef", Map.of("name", sa)))))));
            store.add(new KubernetesCustomResource(storeName, new KubernetesCustomResource.Args(API_VERSION, "SecretStore",
                    scope.metadata(storeName, AppLabels.INFERENCE), storeSpec), scope.options()));
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (MlApiConfig.SecretRef s : synced) {
            Map<String, Object> remote = new LinkedHashMap<>();
            remote.put("key", s.awsSecretsManager().secretId());
            if (s.awsSecretsManager().property() != null) {
                remote.put("property", s.awsSecretsManager().property());
            }
            if (s.awsSecretsManager().versionStage() != null) {
                remote.put("version", s.awsSecretsManager().versionStage());
            }
            data.add(Map.of("secretKey", s.name(), "remoteRef", remote));
        }
        Map<String, Object> spec = Map.of(
                "refreshInterval", es.refreshInterval(),
                "secretStoreRef", Map.of("name", storeName, "kind", es.storeKind()),
                "target", Map.of("name", target, "creationPolicy", "Owner"),
                "data", data);
        // Waiting for Ready turns a missing AWS secret or a denied read into a failed up, not a stuck rollout.
        var externalSecret = new KubernetesCustomResource(target, new KubernetesCustomResource.Args(API_VERSION, "ExternalSecret",
                scope.metadata(target, AppLabels.INFERENCE, Map.of(KubernetesCustomResource.WAIT_FOR, "condition=Ready")),
                Output.of(spec)), scope.operatorOptions(store.toArray(Resource[]::new)));
        return Optional.of(externalSecret.name());
    }
}
