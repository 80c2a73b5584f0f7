package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import dev.mlapi.config.MlApiConfig;

/**
 * Probes for an API that loads a model at start. The startup probe holds liveness and readiness
 * back for up to the model-load timeout; after that, liveness restarts a hung process and
 * readiness takes a busy replica out of the Service without restarting it.
 */
final class HealthProbes {
    static final String PORT_NAME = "http";

    private HealthProbes() {}

    static ProbeArgs startup(MlApiConfig.Probes p) {
        return probe(p.startupPath(), p, p.startupFailureThreshold());
    }

    static ProbeArgs liveness(MlApiConfig.Probes p) {
        return probe(p.livenessPath(), p, p.failureThreshold());
    }

    static ProbeArgs readiness(MlApiConfig.Probes p) {
        return probe(p.readinessPath(), p, p.failureThreshold());
    }

    /**
     * How long a rollout may take before it counts as failed: the model loads on a new pod, and
     * old pods go only when new ones are ready, so allow twice the load time plus scheduling.
     */
    static int rolloutDeadlineSeconds(MlApiConfig.Probes p) {
        return Math.max(600, 2 * p.modelLoadTimeoutSeconds() + 120);
    }

    private static ProbeArgs probe(String path, MlApiConfig.Probes p, int failureThreshold) {
        return ProbeArgs.builder()
                .httpGet(HTTPGetActionArgs.builder().path(path).port(PORT_NAME).build())
                .periodSeconds(p.periodSeconds())
                .timeoutSeconds(p.timeoutSeconds())
                .failureThreshold(failureThreshold)
                .build();
    }
}
