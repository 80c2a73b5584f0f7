package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.inputs.AffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeAffinityArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorRequirementArgs;
import com.pulumi.kubernetes.core.v1.inputs.NodeSelectorTermArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.TolerationArgs;
import com.pulumi.kubernetes.core.v1.inputs.TopologySpreadConstraintArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the pods of the API may run: the scheduling args' selector, tolerations and required
 * affinity, the GPU nodes when the API asks for a GPU, and spreading across nodes and zones.
 */
final class PodScheduling {
    private PodScheduling() {}

    /** The API's pods: on GPU nodes when they need one, spread as the args say. */
    static void api(PodSpecArgs.Builder pod, MlApiArgs args, AppLabels labels) {
        SchedulingArgs s = scheduling(args);
        place(pod, s, args.resources().gpu().orElse(0) > 0);
        Inputs.ifAny(spread(s, labels), pod::topologySpreadConstraints);
    }

    /** The connection test: the API's nodes, whose registries and pull secrets it can use; not the GPU nodes: it needs none. */
    static void connectionTest(PodSpecArgs.Builder pod, MlApiArgs args) {
        place(pod, scheduling(args), false);
    }

    /** No scheduling args: no constraint. */
    private static SchedulingArgs scheduling(MlApiArgs args) {
        return args.scheduling().orElseGet(() -> SchedulingArgs.builder().build());
    }

    private static void place(PodSpecArgs.Builder pod, SchedulingArgs s, boolean gpu) {
        Inputs.ifAny(nodeSelector(s, gpu), pod::nodeSelector);
        Inputs.ifAny(tolerations(s, gpu), pod::tolerations);
        affinity(s).ifPresent(pod::affinity);
    }

    private static Map<String, String> nodeSelector(SchedulingArgs s, boolean gpu) {
        Map<String, String> selector = Inputs.labels(s.nodeSelector());
        if (gpu) {
            selector.putAll(Inputs.labels(s.gpuNodeSelector()));
        }
        return selector;
    }

    private static List<TolerationArgs> tolerations(SchedulingArgs s, boolean gpu) {
        List<dev.mlapi.components.inputs.TolerationArgs> all = new ArrayList<>(s.tolerations());
        if (gpu) {
            all.addAll(s.gpuTolerations());
        }
        return all.stream().map(PodScheduling::toleration).toList();
    }

    private static TolerationArgs toleration(dev.mlapi.components.inputs.TolerationArgs t) {
        var toleration = TolerationArgs.builder();
        t.key().ifPresent(toleration::key);
        t.operator().ifPresent(toleration::operator);
        t.value().ifPresent(toleration::value);
        t.effect().ifPresent(toleration::effect);
        t.tolerationSeconds().ifPresent(toleration::tolerationSeconds);
        return toleration.build();
    }

    private static Optional<AffinityArgs> affinity(SchedulingArgs s) {
        if (s.requiredNodeAffinity().isEmpty()) {
            return Optional.empty();
        }
        var term = NodeSelectorTermArgs.builder().matchExpressions(s.requiredNodeAffinity().stream()
                .map(r -> NodeSelectorRequirementArgs.builder().key(r.key()).operator(r.operator()).values(r.values().orElse(List.of())).build())
                .toList()).build();
        return Optional.of(AffinityArgs.builder().nodeAffinity(NodeAffinityArgs.builder()
                .requiredDuringSchedulingIgnoredDuringExecution(NodeSelectorArgs.builder().nodeSelectorTerms(term).build())
                .build()).build());
    }

    /**
     * Replicas go to different nodes (a hard rule: one node's loss must not take the service down)
     * and, where the cluster has zones, to different zones (a soft rule: few clusters have a zone per replica).
     * Both count only nodes the pods may run on (a tainted GPU node the pods do not tolerate would
     * otherwise be an empty node that no pod can fill, so a rollout's surge pod exceeds the skew)
     * and only pods of the same revision (pod-template-hash), so old pods being replaced do not
     * block the new ones.
     */
    private static List<TopologySpreadConstraintArgs> spread(SchedulingArgs s, AppLabels labels) {
        List<TopologySpreadConstraintArgs> constraints = new ArrayList<>();
        if (s.spreadAcrossNodes().orElse(false)) {
            constraints.add(spreadBy("kubernetes.io/hostname", "DoNotSchedule", labels));
        }
        if (s.spreadAcrossZones().orElse(false)) {
            constraints.add(spreadBy("topology.kubernetes.io/zone", "ScheduleAnyway", labels));
        }
        return constraints;
    }

    private static TopologySpreadConstraintArgs spreadBy(String topologyKey, String whenUnsatisfiable, AppLabels labels) {
        return TopologySpreadConstraintArgs.builder().maxSkew(1).topologyKey(topologyKey).whenUnsatisfiable(whenUnsatisfiable)
                .labelSelector(LabelSelectorArgs.builder().matchLabels(labels.selector(AppLabels.INFERENCE)).build())
                .matchLabelKeys("pod-template-hash")
                .nodeTaintsPolicy("Honor")
                .build();
    }
}
