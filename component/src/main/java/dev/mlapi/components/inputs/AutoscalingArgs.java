package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** Scaling on CPU (and memory) use, between minReplicas and maxReplicas. */
public final class AutoscalingArgs extends ResourceArgs {
    @Import(name = "enabled")
    private Boolean enabled;
    @Import(name = "minReplicas")
    private Integer minReplicas;
    @Import(name = "maxReplicas")
    private Integer maxReplicas;
    @Import(name = "targetCpuUtilization")
    private Integer targetCpuUtilization;
    @Import(name = "targetMemoryUtilization")
    private Integer targetMemoryUtilization;

    private AutoscalingArgs() {}

    /** Whether an autoscaler owns the replica count. */
    public Boolean enabled() { return enabled; }
    /** The fewest replicas. */
    public Integer minReplicas() { return minReplicas; }
    /** The most replicas. */
    public Integer maxReplicas() { return maxReplicas; }
    /** Target CPU use, as a percentage of the request. */
    public Optional<Integer> targetCpuUtilization() { return Optional.ofNullable(targetCpuUtilization); }
    /** Target memory use, as a percentage of the request. */
    public Optional<Integer> targetMemoryUtilization() { return Optional.ofNullable(targetMemoryUtilization); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final AutoscalingArgs $ = new AutoscalingArgs();

        public Builder enabled(Boolean enabled) { $.enabled = enabled; return this; }
        public Builder minReplicas(Integer minReplicas) { $.minReplicas = minReplicas; return this; }
        public Builder maxReplicas(Integer maxReplicas) { $.maxReplicas = maxReplicas; return this; }
        public Builder targetCpuUtilization(Integer targetCpuUtilization) { $.targetCpuUtilization = targetCpuUtilization; return this; }
        public Builder targetMemoryUtilization(Integer targetMemoryUtilization) { $.targetMemoryUtilization = targetMemoryUtilization; return this; }

        public AutoscalingArgs build() {
            return $;
        }
    }
}
