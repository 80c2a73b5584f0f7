package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.ConfigMap;
import com.pulumi.kubernetes.core.v1.ConfigMapArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import dev.mlapi.components.inputs.ConfigFilesArgs;
import java.util.Optional;

/**
 * Config files or variables for the API. Auto-named, so changed data makes a new ConfigMap and
 * rolls the pods onto it, and a bad change never reaches pods that are already running.
 */
final class AppConfigMap {
    private AppConfigMap() {}

    static Optional<Output<String>> create(AppScope scope) {
        Optional<ConfigFilesArgs> files = scope.args().configMap();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        var configMap = new ConfigMap(scope.labels().objectName("config"), ConfigMapArgs.builder()
                .metadata(ObjectMetaArgs.builder()
                        .namespace(scope.namespace())
                        .labels(scope.labels().all(AppLabels.INFERENCE))
                        .build())
                .data(Inputs.map(files.get().data()))
                .immutable(true)
                .build(), scope.options());
        return Optional.of(configMap.metadata().applyValue(m -> m.name().orElseThrow()));
    }
}
