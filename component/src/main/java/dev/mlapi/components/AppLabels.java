package dev.mlapi.components;

import com.pulumi.core.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Names and the Kubernetes recommended labels of one ML API. Selector labels never include the
 * version, so a new image rolls the Deployment instead of orphaning its pods.
 */
final class AppLabels {
    static final String INFERENCE = "inference";
    static final String CONNECTION_TEST = "connection-test";

    private final String name;
    private final String instance;
    private final Output<String> version;
    private final String environment;

    /**
     * @param stack the stack the objects belong to, recorded in the instance label so they can be traced back
     * @param image the image reference, whose tag or digest is the version label unless {@code version} names the build
     */
    AppLabels(String name, String stack, String environment, Output<String> image, Optional<String> version) {
        this.name = name;
        this.instance = KubernetesNames.join(KubernetesNames.MAX_LABEL, name, stack);
        this.version = version.map(Output::of).orElse(image.applyValue(AppLabels::version)).applyValue(KubernetesNames::labelValue);
        this.environment = environment;
    }

    /** What identifies the build of an image reference: its tag, or its digest's first 12 hex digits. */
    static String version(String reference) {
        int at = reference.indexOf('@');
        if (at >= 0) {
            String hex = reference.substring(reference.indexOf(':', at) + 1);
            return hex.substring(0, Math.min(12, hex.length()));
        }
        int colon = reference.lastIndexOf(':');
        // A reference without a tag runs what the registry calls latest.
        return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
    }

    String name() {
        return name;
    }

    String instance() {
        return instance;
    }

    /** An object name: the app's name with a suffix, at most 63 characters. */
    String objectName(String suffix) {
        return KubernetesNames.join(KubernetesNames.MAX_LABEL, name, suffix);
    }

    /** Labels that pick the pods of one component of this instance. */
    Map<String, String> selector(String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", name);
        labels.put("app.kubernetes.io/instance", instance);
        labels.put("app.kubernetes.io/component", component);
        return labels;
    }

    /** The recommended labels of objects that do not change with the image: Service, ServiceAccount and the like. */
    Map<String, String> all(String component) {
        Map<String, String> labels = selector(component);
        labels.put("app.kubernetes.io/part-of", name);
        labels.put("app.kubernetes.io/managed-by", "pulumi");
        labels.put("environment", environment);
        return labels;
    }

    /**
     * Labels of what runs the image (Deployment, pods, test Job), with its version. Kept off the
     * other objects so that a new image changes only what it must.
     */
    Output<Map<String, String>> workload(String component) {
        return version.applyValue(v -> {
            Map<String, String> labels = all(component);
            labels.put("app.kubernetes.io/version", v);
            return labels;
        });
    }

    /** In-cluster DNS name of a Service of this app. */
    static String serviceUrl(String service, String namespace, int port) {
        // No cluster domain: it is each cluster's choice, and the pods' DNS search list completes the name.
        return "http://" + service + "." + namespace + ".svc" + (port == 80 ? "" : ":" + port);
    }
}
