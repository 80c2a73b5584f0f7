package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.resources.Resource;
import dev.mlapi.components.inputs.AwsSecretArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.secrets.KubernetesCustomResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS Secrets Manager entries synced into one Secret by the External Secrets Operator: an
 * ExternalSecret that owns the resulting Secret, read through the stack's SecretStore or an
 * existing ClusterSecretStore. The values never pass through Pulumi: the operator refreshes the
 * Secret in the cluster every refreshInterval, and mounted files follow without a restart.
 */
final class AppExternalSecrets {
    static final String API_VERSION = "external-secrets.io/v1";

    private AppExternalSecrets() {}

    /**
     * The name of the Secret the operator writes, when any secret comes from AWS.
     * @param store the component's own SecretStore ({@link AppSecretStore}); without one, the ClusterSecretStore the args name
     */
    static Optional<Output<String>> create(AppScope scope, Optional<Resource> store) {
        List<SecretArgs> synced = SecretRouting.fromAws(scope.args());
        if (synced.isEmpty()) {
            return Optional.empty();
        }
        ExternalSecretsArgs es = scope.args().externalSecrets().orElseThrow();
        String target = scope.labels().objectName("aws-secrets");
        String storeName = store.isPresent() ? AppSecretStore.name(scope) : es.clusterStoreName().orElseThrow();
        List<Map<String, Object>> data = new ArrayList<>();
        for (SecretArgs s : synced) {
            AwsSecretArgs source = s.awsSecretsManager().orElseThrow();
            Map<String, Object> remote = new LinkedHashMap<>();
            remote.put("key", source.secretId());
            source.property().ifPresent(property -> remote.put("property", property));
            source.versionStage().ifPresent(stage -> remote.put("version", stage));
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
                Output.of(spec)), scope.operatorOptions(store.stream().toArray(Resource[]::new)));
        return Optional.of(externalSecret.name());
    }
}
