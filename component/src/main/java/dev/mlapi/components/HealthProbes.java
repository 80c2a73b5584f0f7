package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.inputs.HTTPGetActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.ProbeArgs;
import dev.mlapi.components.inputs.ProbesArgs;

/**
 * Probes for an API that loads a model at start. The startup probe holds liveness and readiness
 * back for up to the model-load timeout; after that, readiness takes a busy replica out of the
 * Service, and liveness restarts a process only when it stays silent much longer: a restart
 * reloads the model, so a busy worker must leave rotation long before it could be killed.
 */
final class HealthProbes {
    static final String PORT_NAME = "http";

    // How many times longer than readiness liveness waits before it restarts a silent process.
    static final int LIVENESS_LENIENCY = 2;

    private HealthProbes() {}

    /** At most the startup period to answer, so that probes never overlap. */
    static ProbeArgs startup(ProbesArgs p) {
        int period = startupPeriodSeconds(p);
        return probe(p.startupPath(), period, Math.min(p.timeoutSeconds(), period), startupFailureThreshold(p));
    }

    /**
     * The kubelet probes a new container at once, when it is rarely up yet, then once a period,
     * and probes readiness as soon as startup succeeds: the startup period is how long a pod that
     * is up may wait to become ready, in each batch of a rollout.
     */
    static int startupPeriodSeconds(ProbesArgs p) {
        return p.startupPeriodSeconds().orElse(p.periodSeconds());
    }

    /** Twice the failures of readiness, each probe allowed a whole period to answer. */
    static ProbeArgs liveness(ProbesArgs p) {
        return probe(p.livenessPath(), p.periodSeconds(), p.periodSeconds(), p.failureThreshold() * LIVENESS_LENIENCY);
    }

    static ProbeArgs readiness(ProbesArgs p) {
        return probe(p.readinessPath(), p.periodSeconds(), p.timeoutSeconds(), p.failureThreshold());
    }

    /** Scheduling, the image pull and the container start of a new pod, besides its model load. */
    static final int POD_START_SECONDS = 90;

    /**
     * How long a rollout may go without progress before the Deployment reports it failed
     * (ProgressDeadlineExceeded): one new pod's start and model load. Every pod that becomes
     * ready counts as progress, so this holds for one batch, however many batches follow.
     */
    static int progressDeadlineSeconds(ProbesArgs p) {
        return p.modelLoadTimeoutSeconds() + POD_START_SECONDS;
    }

    /** Enough startup probes to cover the model load. */
    static int startupFailureThreshold(ProbesArgs p) {
        int period = startupPeriodSeconds(p);
        return Math.max(1, (p.modelLoadTimeoutSeconds() + period - 1) / period);
    }

    private static ProbeArgs probe(String path, int periodSeconds, int timeoutSeconds, int failureThreshold) {
        return ProbeArgs.builder()
                .httpGet(HTTPGetActionArgs.builder().path(path).port(PORT_NAME).build())
                .periodSeconds(periodSeconds)
                .timeoutSeconds(timeoutSeconds)
                .failureThreshold(failureThreshold)
                .build();
    }
}
