package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's secrets in one Kubernetes Secret. Immutable and auto-named: a rotated value makes a
 * new Secret with a new name, the pod template points at it, and the pods roll onto it; the
 * name's random suffix says nothing about the value.
 */
final class AppSecret {
    private AppSecret() {}

    static Optional<Output<String>> create(AppScope scope, Map<String, Output<String>> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = List.copyOf(values.keySet());
        Output<Map<String, String>> data = Output.all(names.stream().map(values::get).toList()).applyValue(list -> {
            Map<String, String> byName = new java.util.LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), list.get(i));
            }
            return byName;
        });
        var secret = new Secret(scope.labels().objectName("secrets"), SecretArgs.builder()
                .metadata(ObjectMetaArgs.builder()
                        .namespace(scope.namespace())
                        .labels(scope.labels().all(AppLabels.INFERENCE))
                        .build())
                .type("Opaque")
                .immutable(true)
                .stringData(data.asSecret())
                .build(), scope.options());
        return Optional.of(secret.metadata().applyValue(m -> m.name().orElseThrow()));
    }
}
