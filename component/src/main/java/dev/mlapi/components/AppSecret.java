package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Secret;
import com.pulumi.kubernetes.core.v1.SecretArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values the args give for the API's secrets, in one Kubernetes Secret. Immutable and
 * auto-named: a rotated value makes a new Secret with a new name, the pod template points at it,
 * and the pods roll onto it; the name's random suffix says nothing about the value.
 */
final class AppSecret {
    private AppSecret() {}

    static Optional<Output<String>> create(AppScope scope) {
        List<dev.mlapi.components.inputs.SecretArgs> secrets = SecretRouting.withValue(scope.args());
        if (secrets.isEmpty()) {
            return Optional.empty();
        }
        Output<Map<String, String>> data = Output.all(secrets.stream().map(s -> s.value().orElseThrow()).toList()).applyValue(values -> {
            Map<String, String> byName = new LinkedHashMap<>();
            for (int i = 0; i < secrets.size(); i++) {
                byName.put(secrets.get(i).name(), values.get(i));
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
