package dev.mlapi.components;

import com.pulumi.core.Output;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.secrets.KubernetesCustomResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values sealed for this environment, committed in the stack file: one SealedSecret that the
 * Sealed Secrets controller in the cluster unseals into a Secret of the same name. Sealing is
 * strict (bound to that name and namespace), so a sealed value cannot be replayed elsewhere.
 */
final class AppSealedSecrets {
    private AppSealedSecrets() {}

    /** The name sealed values are bound to, and of the Secret the controller writes. */
    static String objectName(String apiName) {
        return KubernetesNames.join(KubernetesNames.MAX_LABEL, apiName, "sealed");
    }

    static Optional<Output<String>> create(AppScope scope) {
        List<SecretArgs> sealed = SecretRouting.sealed(scope.args());
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        String name = objectName(scope.labels().name());
        Map<String, Object> encrypted = new LinkedHashMap<>();
        sealed.forEach(s -> encrypted.put(s.name(), s.sealed().orElseThrow().encryptedData()));
        Output<Map<String, Object>> spec = scope.namespace().applyValue(ns -> Map.of(
                "encryptedData", encrypted,
                "template", Map.of("type", "Opaque", "metadata", Map.of(
                        "name", name, "namespace", ns, "labels", scope.labels().all(AppLabels.INFERENCE)))));
        // Waiting for Synced turns a value sealed with the wrong certificate into a failed up.
        var sealedSecret = new KubernetesCustomResource(name, new KubernetesCustomResource.Args("bitnami.com/v1alpha1", "SealedSecret",
                scope.metadata(name, AppLabels.INFERENCE, Map.of(KubernetesCustomResource.WAIT_FOR, "condition=Synced")), spec),
                scope.operatorOptions());
        return Optional.of(sealedSecret.name());
    }
}
