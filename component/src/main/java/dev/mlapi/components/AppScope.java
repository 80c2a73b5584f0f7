package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.CustomTimeouts;
import com.pulumi.resources.Resource;
import dev.mlapi.components.inputs.NamedValueArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every child of an {@link MlApi} shares: its args, the image reference (checked once known),
 * labels, namespace and parent.
 */
record AppScope(MlApiArgs args, Output<String> image, AppLabels labels, Output<String> namespace, Resource parent) {

    /** How long up waits for an operator to act on an object it watches (see KubernetesCustomResource.WAIT_FOR). */
    static final Duration OPERATOR_AWAIT = Duration.ofMinutes(2);

    /** Options for a child: parented to the component, after the given resources. */
    CustomResourceOptions options(Resource... dependsOn) {
        return child(dependsOn).build();
    }

    /** Options for an object an operator acts on: up fails if it has not within {@link #OPERATOR_AWAIT}. */
    CustomResourceOptions operatorOptions(Resource... dependsOn) {
        return awaitedOptions(OPERATOR_AWAIT, dependsOn);
    }

    /** Options for a child the engine waits for: up fails if it is not ready within {@code await}. */
    CustomResourceOptions awaitedOptions(Duration await, Resource... dependsOn) {
        return child(dependsOn).customTimeouts(CustomTimeouts.builder().create(await).update(await).build()).build();
    }

    private CustomResourceOptions.Builder child(Resource... dependsOn) {
        return CustomResourceOptions.builder().parent(parent).dependsOn(List.of(dependsOn));
    }

    /** Metadata for a namespaced object with a fixed name. */
    ObjectMetaArgs metadata(String name, String component) {
        return metadata(name, component, Map.of());
    }

    ObjectMetaArgs metadata(String name, String component, Map<String, String> annotations) {
        return metadata(name, Output.of(labels.all(component)), annotations.isEmpty() ? null : Output.of(annotations));
    }

    ObjectMetaArgs metadata(String name, String component, List<NamedValueArgs> annotations) {
        return metadata(name, Output.of(labels.all(component)), annotations.isEmpty() ? null : Inputs.map(annotations));
    }

    /** Metadata for an object that runs the image, labelled with its version. */
    ObjectMetaArgs workloadMetadata(String name, String component) {
        return workloadMetadata(name, component, Map.of());
    }

    ObjectMetaArgs workloadMetadata(String name, String component, Map<String, String> annotations) {
        return metadata(name, labels.workload(component), annotations.isEmpty() ? null : Output.of(annotations));
    }

    private ObjectMetaArgs metadata(String name, Output<Map<String, String>> objectLabels, Output<Map<String, String>> annotations) {
        var metadata = ObjectMetaArgs.builder().name(name).namespace(namespace).labels(objectLabels);
        if (annotations != null) {
            metadata.annotations(annotations);
        }
        return metadata.build();
    }
}
