package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.Namespace;
import com.pulumi.kubernetes.core.v1.NamespaceArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.Resource;
import java.util.LinkedHashMap;
import java.util.Map;

/** The namespace the ML API lives in: created with the restricted Pod Security level enforced, or taken as it is. */
final class AppNamespace {
    private AppNamespace() {}

    /** The namespace's name: the args', or the API's name and its environment. */
    static String name(String apiName, MlApiArgs args) {
        return args.namespace().name().orElse(apiName + "-" + args.environment());
    }

    /** The namespace's name, as an output that waits for the namespace when the stack creates it. */
    static Output<String> create(String apiName, MlApiArgs args, AppLabels labels, Resource parent) {
        String name = name(apiName, args);
        if (!args.namespace().create()) {
            return Output.of(name);
        }
        Map<String, String> nsLabels = new LinkedHashMap<>(labels.all(AppLabels.INFERENCE));
        nsLabels.remove("app.kubernetes.io/component");
        nsLabels.put("pod-security.kubernetes.io/enforce", "restricted");
        nsLabels.put("pod-security.kubernetes.io/warn", "restricted");
        var namespace = new Namespace(name, NamespaceArgs.builder()
                .metadata(ObjectMetaArgs.builder().name(name).labels(nsLabels).build())
                .build(), CustomResourceOptions.builder().parent(parent).build());
        return namespace.metadata().applyValue(m -> m.name().orElse(name));
    }
}
