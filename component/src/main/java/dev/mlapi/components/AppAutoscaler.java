package dev.mlapi.components;

import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscaler;
import com.pulumi.kubernetes.autoscaling.v2.HorizontalPodAutoscalerArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.CrossVersionObjectReferenceArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HPAScalingRulesArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HorizontalPodAutoscalerBehaviorArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.HorizontalPodAutoscalerSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricSpecArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.MetricTargetArgs;
import com.pulumi.kubernetes.autoscaling.v2.inputs.ResourceMetricSourceArgs;
import dev.mlapi.components.inputs.AutoscalingArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Scales the Deployment on CPU (and memory when asked) between the configured bounds. */
final class AppAutoscaler {
    private AppAutoscaler() {}

    static Optional<HorizontalPodAutoscaler> create(AppScope scope, Deployment deployment) {
        Optional<AutoscalingArgs> enabled = enabled(scope.args());
        if (enabled.isEmpty()) {
            return Optional.empty();
        }
        AutoscalingArgs a = enabled.get();
        List<MetricSpecArgs> metrics = new ArrayList<>();
        a.targetCpuUtilization().ifPresent(percent -> metrics.add(utilization("cpu", percent)));
        a.targetMemoryUtilization().ifPresent(percent -> metrics.add(utilization("memory", percent)));
        String name = scope.labels().name();
        return Optional.of(new HorizontalPodAutoscaler(name, HorizontalPodAutoscalerArgs.builder()
                .metadata(scope.metadata(name, AppLabels.INFERENCE))
                .spec(HorizontalPodAutoscalerSpecArgs.builder()
                        .scaleTargetRef(CrossVersionObjectReferenceArgs.builder()
                                .apiVersion("apps/v1").kind("Deployment").name(name).build())
                        .minReplicas(a.minReplicas())
                        .maxReplicas(a.maxReplicas())
                        .metrics(metrics)
                        // A new replica spends minutes loading its model; scale down slowly so a
                        // short lull does not throw away capacity that is expensive to get back.
                        .behavior(HorizontalPodAutoscalerBehaviorArgs.builder()
                                .scaleDown(HPAScalingRulesArgs.builder().stabilizationWindowSeconds(600).build())
                                .build())
                        .build())
                .build(), scope.options(deployment)));
    }

    /** The autoscaling args when an autoscaler owns the replica count. */
    static Optional<AutoscalingArgs> enabled(MlApiArgs args) {
        return args.autoscaling().filter(AutoscalingArgs::enabled);
    }

    private static MetricSpecArgs utilization(String resource, int percent) {
        return MetricSpecArgs.builder().type("Resource")
                .resource(ResourceMetricSourceArgs.builder().name(resource)
                        .target(MetricTargetArgs.builder().type("Utilization").averageUtilization(percent).build())
                        .build())
                .build();
    }
}
