package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.networking.v1.Ingress;
import com.pulumi.kubernetes.networking.v1.IngressArgs;
import com.pulumi.kubernetes.networking.v1.inputs.HTTPIngressPathArgs;
import com.pulumi.kubernetes.networking.v1.inputs.HTTPIngressRuleValueArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressBackendArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressRuleArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressServiceBackendArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressSpecArgs;
import com.pulumi.kubernetes.networking.v1.inputs.IngressTLSArgs;
import com.pulumi.kubernetes.networking.v1.inputs.ServiceBackendPortArgs;
import java.util.List;
import java.util.Optional;

/** Exposes the Service on a host name through the cluster's ingress controller. */
final class AppIngress {
    private AppIngress() {}

    static Optional<Ingress> create(AppScope scope, Service service) {
        var enabled = scope.args().ingress().filter(in -> in.enabled());
        if (enabled.isEmpty()) {
            return Optional.empty();
        }
        var in = enabled.get();
        String host = in.host().orElseThrow();
        String name = scope.labels().name();
        var backend = IngressBackendArgs.builder().service(IngressServiceBackendArgs.builder()
                .name(name)
                .port(ServiceBackendPortArgs.builder().name(HealthProbes.PORT_NAME).build())
                .build()).build();
        var spec = IngressSpecArgs.builder()
                .rules(IngressRuleArgs.builder().host(host)
                        .http(HTTPIngressRuleValueArgs.builder().paths(HTTPIngressPathArgs.builder()
                                .path(in.path()).pathType("Prefix").backend(backend).build()).build())
                        .build());
        in.className().ifPresent(spec::ingressClassName);
        in.tlsSecret().ifPresent(secret -> spec.tls(IngressTLSArgs.builder().hosts(List.of(host)).secretName(secret).build()));
        return Optional.of(new Ingress(name, IngressArgs.builder()
                .metadata(scope.metadata(name, AppLabels.INFERENCE, in.annotations()))
                .spec(spec.build())
                .build(), scope.options(service)));
    }
}
