package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** Where the pods may run. */
public final class SchedulingArgs extends ResourceArgs {
    @Import(name = "nodeSelector")
    private List<LabelArgs> nodeSelector;
    @Import(name = "tolerations")
    private List<TolerationArgs> tolerations;
    @Import(name = "requiredNodeAffinity")
    private List<NodeRequirementArgs> requiredNodeAffinity;
    @Import(name = "spreadAcrossNodes")
    private Boolean spreadAcrossNodes;
    @Import(name = "spreadAcrossZones")
    private Boolean spreadAcrossZones;
    @Import(name = "gpuNodeSelector")
    private List<LabelArgs> gpuNodeSelector;
    @Import(name = "gpuTolerations")
    private List<TolerationArgs> gpuTolerations;

    private SchedulingArgs() {}

    /** Node labels the pods require. Empty when not set. */
    public List<LabelArgs> nodeSelector() { return nodeSelector == null ? List.of() : nodeSelector; }
    /** Taints the pods tolerate. Empty when not set. */
    public List<TolerationArgs> tolerations() { return tolerations == null ? List.of() : tolerations; }
    /** Rules on node labels the pods require. Empty when not set. */
    public List<NodeRequirementArgs> requiredNodeAffinity() { return requiredNodeAffinity == null ? List.of() : requiredNodeAffinity; }
    /** Replicas on different nodes (a hard rule). */
    public Optional<Boolean> spreadAcrossNodes() { return Optional.ofNullable(spreadAcrossNodes); }
    /** Replicas in different zones where the cluster has them (a soft rule). */
    public Optional<Boolean> spreadAcrossZones() { return Optional.ofNullable(spreadAcrossZones); }
    /** Node labels added when the pods ask for a GPU. Empty when not set. */
    public List<LabelArgs> gpuNodeSelector() { return gpuNodeSelector == null ? List.of() : gpuNodeSelector; }
    /** Tolerations added when the pods ask for a GPU. Empty when not set. */
    public List<TolerationArgs> gpuTolerations() { return gpuTolerations == null ? List.of() : gpuTolerations; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final SchedulingArgs $ = new SchedulingArgs();

        public Builder nodeSelector(List<LabelArgs> nodeSelector) { $.nodeSelector = nodeSelector == null ? null : List.copyOf(nodeSelector); return this; }
        public Builder nodeSelector(LabelArgs... nodeSelector) { return nodeSelector(List.of(nodeSelector)); }
        public Builder tolerations(List<TolerationArgs> tolerations) { $.tolerations = tolerations == null ? null : List.copyOf(tolerations); return this; }
        public Builder tolerations(TolerationArgs... tolerations) { return tolerations(List.of(tolerations)); }
        public Builder requiredNodeAffinity(List<NodeRequirementArgs> requiredNodeAffinity) { $.requiredNodeAffinity = requiredNodeAffinity == null ? null : List.copyOf(requiredNodeAffinity); return this; }
        public Builder requiredNodeAffinity(NodeRequirementArgs... requiredNodeAffinity) { return requiredNodeAffinity(List.of(requiredNodeAffinity)); }
        public Builder spreadAcrossNodes(Boolean spreadAcrossNodes) { $.spreadAcrossNodes = spreadAcrossNodes; return this; }
        public Builder spreadAcrossZones(Boolean spreadAcrossZones) { $.spreadAcrossZones = spreadAcrossZones; return this; }
        public Builder gpuNodeSelector(List<LabelArgs> gpuNodeSelector) { $.gpuNodeSelector = gpuNodeSelector == null ? null : List.copyOf(gpuNodeSelector); return this; }
        public Builder gpuNodeSelector(LabelArgs... gpuNodeSelector) { return gpuNodeSelector(List.of(gpuNodeSelector)); }
        public Builder gpuTolerations(List<TolerationArgs> gpuTolerations) { $.gpuTolerations = gpuTolerations == null ? null : List.copyOf(gpuTolerations); return this; }
        public Builder gpuTolerations(TolerationArgs... gpuTolerations) { return gpuTolerations(List.of(gpuTolerations)); }

        public SchedulingArgs build() {
            return $;
        }
    }
}
