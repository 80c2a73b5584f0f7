package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** HTTP health checks. The startup probe allows modelLoadTimeoutSeconds for the model to load before liveness takes over. */
public final class ProbesArgs extends ResourceArgs {
    @Import(name = "livenessPath")
    private String livenessPath;
    @Import(name = "readinessPath")
    private String readinessPath;
    @Import(name = "startupPath")
    private String startupPath;
    @Import(name = "periodSeconds")
    private Integer periodSeconds;
    @Import(name = "startupPeriodSeconds")
    private Integer startupPeriodSeconds;
    @Import(name = "timeoutSeconds")
    private Integer timeoutSeconds;
    @Import(name = "failureThreshold")
    private Integer failureThreshold;
    @Import(name = "modelLoadTimeoutSeconds")
    private Integer modelLoadTimeoutSeconds;

    private ProbesArgs() {}

    /** Path of the liveness probe; a process that stays silent is restarted. */
    public String livenessPath() { return livenessPath; }
    /** Path of the readiness probe; a busy replica leaves the Service. */
    public String readinessPath() { return readinessPath; }
    /** Path of the startup probe, which holds the others back while the model loads. */
    public String startupPath() { return startupPath; }
    /** Seconds between probes. */
    public Integer periodSeconds() { return periodSeconds; }
    /** Seconds between startup probes while a pod starts: how long one that is up may wait to become ready. Left out, periodSeconds. */
    public Optional<Integer> startupPeriodSeconds() { return Optional.ofNullable(startupPeriodSeconds); }
    /** Seconds a readiness or startup probe may take; at most periodSeconds (and the startup period). */
    public Integer timeoutSeconds() { return timeoutSeconds; }
    /** Failed readiness probes before a replica leaves the Service; liveness allows twice as many. */
    public Integer failureThreshold() { return failureThreshold; }
    /** The longest a model may take to load. */
    public Integer modelLoadTimeoutSeconds() { return modelLoadTimeoutSeconds; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ProbesArgs $ = new ProbesArgs();

        public Builder livenessPath(String livenessPath) { $.livenessPath = livenessPath; return this; }
        public Builder readinessPath(String readinessPath) { $.readinessPath = readinessPath; return this; }
        public Builder startupPath(String startupPath) { $.startupPath = startupPath; return this; }
        public Builder periodSeconds(Integer periodSeconds) { $.periodSeconds = periodSeconds; return this; }
        public Builder startupPeriodSeconds(Integer startupPeriodSeconds) { $.startupPeriodSeconds = startupPeriodSeconds; return this; }
        public Builder timeoutSeconds(Integer timeoutSeconds) { $.timeoutSeconds = timeoutSeconds; return this; }
        public Builder failureThreshold(Integer failureThreshold) { $.failureThreshold = failureThreshold; return this; }
        public Builder modelLoadTimeoutSeconds(Integer modelLoadTimeoutSeconds) { $.modelLoadTimeoutSeconds = modelLoadTimeoutSeconds; return this; }

        public ProbesArgs build() {
            return $;
        }
    }
}
