package dev.mlapi.components;

import dev.mlapi.components.inputs.AutoscalingArgs;
import dev.mlapi.components.inputs.ConnectionTestArgs;
import dev.mlapi.components.inputs.NodeRequirementArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import dev.mlapi.components.inputs.TolerationArgs;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The rules of how many pods run and where: replicas, autoscaling, the pods' labels and annotations, scheduling. */
public final class PlacementArgsRules extends ArgsRules {
    private static final List<String> TOLERATION_OPERATORS = List.of("Exists", "Equal");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");

    PlacementArgsRules(UnaryOperator<String> keys, List<ArgsProblem> problems) {
        super(keys, problems);
    }

    /** A replica count the cluster takes. */
    public void replicaBounds(MlApiArgs args) {
        check(args.replicas() >= 0, "replicas", "must not be negative", example("replicas", "2"));
        check(args.replicas() <= MlApiArgsRules.MAX_REPLICAS, "replicas", args.replicas() + " is more than " + MlApiArgsRules.MAX_REPLICAS + " replicas", example("replicas", "3"));
    }

    /** Replicas enough for the connection test, and in production for a node's loss, when no autoscaler owns the count. */
    public void replicaNeeds(MlApiArgs args) {
        if (AppAutoscaler.enabled(args).isPresent()) {
            return;
        }
        if (args.replicas() == 0 && args.connectionTest().filter(ConnectionTestArgs::enabled).isPresent()) {
            problem("replicas", "0 replicas can never pass the connection test, so every up would fail;"
                    + " turn the test off while the API is scaled to zero", example("connectionTest.enabled", "false"));
        }
        if (args.environment().equals("production")) {
            check(args.replicas() >= 2, "replicas", "production needs at least 2 replicas to survive a node loss", example("replicas", "3"));
        }
    }

    /** The autoscaler's bounds and targets, and the requests it measures use against. */
    public void autoscaling(MlApiArgs args) {
        Optional<AutoscalingArgs> enabled = AppAutoscaler.enabled(args);
        if (enabled.isEmpty()) {
            return;
        }
        AutoscalingArgs a = enabled.get();
        check(a.minReplicas() >= 1, "autoscaling.minReplicas", "must be at least 1", example("autoscaling.minReplicas", "2"));
        check(a.maxReplicas() <= MlApiArgsRules.MAX_REPLICAS, "autoscaling.maxReplicas", a.maxReplicas() + " is more than " + MlApiArgsRules.MAX_REPLICAS + " replicas",
                example("autoscaling.maxReplicas", "12"));
        check(a.maxReplicas() >= a.minReplicas(), "autoscaling.maxReplicas", "(" + a.maxReplicas() + ") is below autoscaling.minReplicas ("
                + a.minReplicas() + ")", example("autoscaling.maxReplicas", Integer.toString(Math.max(a.minReplicas(), 2) * 2)));
        check(a.targetCpuUtilization().isPresent() || a.targetMemoryUtilization().isPresent(), "autoscaling.targetCpuUtilization",
                "autoscaling needs a target to scale on", example("autoscaling.targetCpuUtilization", "70"));
        percent("autoscaling.targetCpuUtilization", a.targetCpuUtilization());
        percent("autoscaling.targetMemoryUtilization", a.targetMemoryUtilization());
    }

    /** The autoscaler measures use as a share of the request; without one it cannot scale. */
    public void autoscalingRequests(MlApiArgs args) {
        if (AppAutoscaler.enabled(args).isEmpty()) {
            return;
        }
        AutoscalingArgs a = AppAutoscaler.enabled(args).get();
        Optional<QuantitiesArgs> requests = args.resources().requests();
        if (a.targetCpuUtilization().isPresent()) {
            check(requests.flatMap(QuantitiesArgs::cpu).isPresent(), "resources.requests.cpu", "is required with autoscaling.targetCpuUtilization:"
                    + " the autoscaler measures CPU use as a share of the request", example("resources.requests.cpu", "500m"));
        }
        if (a.targetMemoryUtilization().isPresent()) {
            check(requests.flatMap(QuantitiesArgs::memory).isPresent(), "resources.requests.memory", "is required with autoscaling.targetMemoryUtilization:"
                    + " the autoscaler measures memory use as a share of the request", example("resources.requests.memory", "1Gi"));
        }
    }

    private void percent(String key, Optional<Integer> value) {
        value.ifPresent(v -> check(v >= 1 && v <= 100, key, "must be a percentage from 1 to 100", example(key, "70")));
    }

    /** The pods' annotation keys and labels. */
    public void metadata(MlApiArgs args) {
        annotations("podAnnotations", args.podAnnotations());
        labels("podLabels", args.podLabels());
    }

    public void scheduling(MlApiArgs args) {
        if (args.scheduling().isEmpty()) {
            return;
        }
        SchedulingArgs s = args.scheduling().get();
        labels("scheduling.nodeSelector", s.nodeSelector());
        labels("scheduling.gpuNodeSelector", s.gpuNodeSelector());
        tolerations("scheduling.tolerations", s.tolerations());
        tolerations("scheduling.gpuTolerations", s.gpuTolerations());
        for (int i = 0; i < s.requiredNodeAffinity().size(); i++) {
            NodeRequirementArgs r = s.requiredNodeAffinity().get(i);
            String key = "scheduling.requiredNodeAffinity[" + i + "]";
            List<String> values = r.values().orElse(List.of());
            check(KubernetesNames.isQualifiedName(r.key()), key + ".key", "is not a valid label key", "key: node.kubernetes.io/instance-type");
            check(NODE_OPERATORS.contains(r.operator()), key + ".operator", "must be one of " + NODE_OPERATORS, "operator: In");
            boolean needsValues = r.operator() != null && !r.operator().equals("Exists") && !r.operator().equals("DoesNotExist");
            check(!needsValues || !values.isEmpty(), key + ".values", "operator " + r.operator() + " needs values", "values: [g5.xlarge]");
            if ("Gt".equals(r.operator()) || "Lt".equals(r.operator())) {
                check(r.values().isEmpty() || values.size() == 1 && values.get(0).matches("^-?\\d+$"), key + ".values",
                        "operator " + r.operator() + " compares with one whole number", "values: [\"2\"]");
            }
            check(needsValues || r.operator() == null || values.isEmpty(), key + ".values",
                    "must be left out with operator " + r.operator() + ", which only asks whether the label is there", "{key: " + r.key() + ", operator: " + r.operator() + "}");
        }
    }

    private void tolerations(String key, List<TolerationArgs> tolerations) {
        for (int i = 0; i < tolerations.size(); i++) {
            TolerationArgs t = tolerations.get(i);
            String at = key + "[" + i + "]";
            String operator = t.operator().orElse("Equal");
            String effect = t.effect().orElse(null);
            String value = t.value().orElse(null);
            String taint = t.key().orElse(null);
            check(TOLERATION_OPERATORS.contains(operator), at + ".operator", "must be Exists or Equal", "operator: Exists");
            check(effect == null || TAINT_EFFECTS.contains(effect), at + ".effect", "must be one of " + TAINT_EFFECTS, "effect: NoSchedule");
            check(t.tolerationSeconds().isEmpty() || "NoExecute".equals(effect), at + ".effect",
                    "must be NoExecute when tolerationSeconds is set; the API server refuses any other", "effect: NoExecute");
            check(!operator.equals("Exists") || value == null, at + ".value", "must be empty when the operator is Exists", "operator: Equal");
            check(taint != null || operator.equals("Exists"), at + ".key", "is required unless the operator is Exists", "key: nvidia.com/gpu");
            check(taint == null || KubernetesNames.isQualifiedName(taint), at + ".key", "'" + taint + "' is not a valid taint key", "key: nvidia.com/gpu");
            check(value == null || KubernetesNames.isLabelValue(value), at + ".value",
                    "'" + value + "' is not a valid taint value (63 characters of letters, digits, -_.)", "value: ml");
        }
    }
}
