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

    /** Scheduling, the image pull and the container start of a new pod, besides its model load. */
    static final int POD_START_SECONDS = 90;

    /**
     * How long a rollout may go without progress before the Deployment reports it failed
     * (ProgressDeadlineExceeded): one new pod's start and model load. Every pod that becomes
     * ready counts as progress, so this holds for one batch, however many batches follow.
     */
    static int progressDeadlineSeconds(MlApiConfig.Probes p) {
        return p.modelLoadTimeoutSeconds() + POD_START_SECONDS;
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
