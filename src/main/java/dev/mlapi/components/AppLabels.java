package dev.mlapi.components;

import dev.mlapi.config.KubernetesNames;
import dev.mlapi.config.MlApiConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and the Kubernetes recommended labels of one ML API. Selector labels never include the
 * version, so a new image rolls the Deployment instead of orphaning its pods.
 */
final class AppLabels {
    static final String INFERENCE = "inference";
    static final String CONNECTION_TEST = "connection-test";

    private final String name;
    private final String instance;
    private final String version;
    private final String environment;

    AppLabels(MlApiConfig config, String stack) {
        this.name = config.name();
        this.instance = KubernetesNames.join(KubernetesNames.MAX_LABEL, config.name(), stack);
        this.version = KubernetesNames.labelValue(config.image().version());
        this.environment = config.environment().id();
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
    Map<String, String> workload(String component) {
        Map<String, String> labels = all(component);
        labels.put("app.kubernetes.io/version", version);
        return labels;
    }

    /** In-cluster DNS name of a Service of this app. */
    static String serviceUrl(String service, String namespace, int port) {
        // No cluster domain: it is each cluster's choice, and the pods' DNS search list completes the name.
        return "http://" + service + "." + namespace + ".svc" + (port == 80 ? "" : ":" + port);
    }
}
