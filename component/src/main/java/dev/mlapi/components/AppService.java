package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.ServiceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServicePortArgs;
import com.pulumi.kubernetes.core.v1.inputs.ServiceSpecArgs;
import com.pulumi.resources.Resource;

/** The stable address of the API inside the cluster; it sends traffic only to ready pods. */
final class AppService {
    private AppService() {}

    static Service create(AppScope scope, Resource deployment) {
        var s = scope.args().service();
        return new Service(scope.labels().name(), ServiceArgs.builder()
                .metadata(scope.metadata(scope.labels().name(), AppLabels.INFERENCE))
                .spec(ServiceSpecArgs.builder()
                        .type(s.type())
                        .selector(scope.labels().selector(AppLabels.INFERENCE))
                        .ports(ServicePortArgs.builder()
                                .name(HealthProbes.PORT_NAME)
                                .port(s.port())
                                .targetPort(HealthProbes.PORT_NAME)
                                .protocol("TCP")
                                .appProtocol("http")
                                .build())
                        .build())
                .build(), scope.options(deployment));
    }
}
