package dev.mlapi.components;

import com.pulumi.core.Either;
import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudget;
import com.pulumi.kubernetes.policy.v1.PodDisruptionBudgetArgs;
import com.pulumi.kubernetes.policy.v1.inputs.PodDisruptionBudgetSpecArgs;
import dev.mlapi.components.inputs.DisruptionBudgetArgs;
import java.util.Optional;

/** Limits how many replicas voluntary disruptions (node drains, upgrades) may take at once. */
final class AppDisruptionBudget {
    private AppDisruptionBudget() {}

    static Optional<PodDisruptionBudget> create(AppScope scope, Deployment deployment) {
        Optional<DisruptionBudgetArgs> budget = scope.args().disruptionBudget().filter(DisruptionBudgetArgs::enabled);
        if (budget.isEmpty()) {
            return Optional.empty();
        }
        DisruptionBudgetArgs b = budget.get();
        var spec = PodDisruptionBudgetSpecArgs.builder()
                .selector(LabelSelectorArgs.builder().matchLabels(scope.labels().selector(AppLabels.INFERENCE)).build())
                // A pod that never got ready (say, a model that fails to load) must not block a drain.
                .unhealthyPodEvictionPolicy("AlwaysAllow");
        if (b.minAvailable().isPresent()) {
            spec.minAvailable(intOrPercent(b.minAvailable().get()));
        } else {
            spec.maxUnavailable(intOrPercent(b.maxUnavailable().orElseThrow()));
        }
        String name = scope.labels().name();
        return Optional.of(new PodDisruptionBudget(name, PodDisruptionBudgetArgs.builder()
                .metadata(scope.metadata(name, AppLabels.INFERENCE))
                .spec(spec.build())
                .build(), scope.options(deployment)));
    }

    private static Either<Integer, String> intOrPercent(String value) {
        return value.endsWith("%") ? Either.ofRight(value) : Either.ofLeft(Integer.parseInt(value));
    }
}
