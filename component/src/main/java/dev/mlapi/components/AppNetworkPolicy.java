package dev.mlapi.components;

import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.networking.v1.NetworkPolicy;
import com.pulumi.kubernetes.networking.v1.NetworkPolicyArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyEgressRuleArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyIngressRuleArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyPeerArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicyPortArgs;
import com.pulumi.kubernetes.networking.v1.inputs.NetworkPolicySpecArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingress to every pod of this instance only on the API port, from its own namespace and the
 * namespaces the args list; egress open (declared, so the policy covers both directions).
 */
final class AppNetworkPolicy {
    private AppNetworkPolicy() {}

    static Optional<NetworkPolicy> create(AppScope scope) {
        var enabled = scope.args().networkPolicy().filter(policy -> policy.enabled());
        if (enabled.isEmpty()) {
            return Optional.empty();
        }
        var policy = enabled.get();
        List<NetworkPolicyPeerArgs> from = new ArrayList<>();
        from.add(NetworkPolicyPeerArgs.builder().podSelector(LabelSelectorArgs.builder().build()).build());
        for (String namespace : policy.allowFromNamespaces()) {
            from.add(NetworkPolicyPeerArgs.builder().namespaceSelector(LabelSelectorArgs.builder()
                    .matchLabels(Map.of("kubernetes.io/metadata.name", namespace)).build()).build());
        }
        Map<String, String> instance = Map.of(
                "app.kubernetes.io/name", scope.labels().name(), "app.kubernetes.io/instance", scope.labels().instance());
        String name = scope.labels().name();
        return Optional.of(new NetworkPolicy(name, NetworkPolicyArgs.builder()
                .metadata(scope.metadata(name, AppLabels.INFERENCE))
                .spec(NetworkPolicySpecArgs.builder()
                        .podSelector(LabelSelectorArgs.builder().matchLabels(instance).build())
                        .policyTypes("Ingress", "Egress")
                        .ingress(NetworkPolicyIngressRuleArgs.builder()
                                .from(from)
                                .ports(NetworkPolicyPortArgs.builder().port(HealthProbes.PORT_NAME).protocol("TCP").build())
                                .build())
                        .egress(NetworkPolicyEgressRuleArgs.builder().build())
                        .build())
                .build(), scope.options()));
    }
}
