package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** What each replica reserves (requests) and may use at most (limits). */
public final class ResourcesArgs extends ResourceArgs {
    @Import(name = "requests")
    private QuantitiesArgs requests;
    @Import(name = "limits")
    private QuantitiesArgs limits;
    @Import(name = "gpu")
    private Integer gpu;

    private ResourcesArgs() {}

    /** What the scheduler reserves for each replica. */
    public Optional<QuantitiesArgs> requests() { return Optional.ofNullable(requests); }
    /** The most each replica may use; at least the request. */
    public Optional<QuantitiesArgs> limits() { return Optional.ofNullable(limits); }
    /** NVIDIA GPUs per replica; above 0 the pods go to GPU nodes (see SchedulingArgs). */
    public Optional<Integer> gpu() { return Optional.ofNullable(gpu); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ResourcesArgs $ = new ResourcesArgs();

        public Builder requests(QuantitiesArgs requests) { $.requests = requests; return this; }
        public Builder limits(QuantitiesArgs limits) { $.limits = limits; return this; }
        public Builder gpu(Integer gpu) { $.gpu = gpu; return this; }

        public ResourcesArgs build() {
            return $;
        }
    }
}
