package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.batch.v1.Job;
import com.pulumi.kubernetes.batch.v1.JobArgs;
import com.pulumi.kubernetes.batch.v1.inputs.JobSpecArgs;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.LocalObjectReferenceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.Resource;
import dev.mlapi.config.KubernetesNames;
import dev.mlapi.config.MlApiConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart's {@code helm test}, run by every deployment: after the Deployment is ready, a Job
 * asks the Service for the readiness endpoint from inside the namespace. It proves that the
 * Service name resolves, that it selects ready pods, and that the API answers 200 through it.
 * The Job's name carries a hash of the image and config, so any change runs it again; the
 * engine waits for it and fails the update when it fails.
 */
final class ConnectionTest {
    private static final String SCRIPT = readScript();

    private ConnectionTest() {}

    static Optional<Job> create(AppScope scope, Service service, Resource deployment) {
        MlApiConfig c = scope.config();
        if (!c.connectionTest().enabled()) {
            return Optional.empty();
        }
        String name = scope.labels().objectName("test-" + KubernetesNames.sha256Hex(c.toString()).substring(0, 8));
        Output<String> url = scope.namespace().applyValue(ns ->
                AppLabels.serviceUrl(scope.labels().name(), ns, c.service().port()) + c.connectionTest().pathOr(c.probes().readinessPath()));
        int timeout = c.connectionTest().timeoutSeconds();
        var pod = PodSpecArgs.builder()
                .restartPolicy("Never")
                .automountServiceAccountToken(false)
                .enableServiceLinks(false)
                .securityContext(PodSecurity.pod(c.securityContext()))
                .containers(ContainerArgs.builder()
                        .name("connection-test")
                        // The API's own image: it has Python, and it is already on the nodes.
                        .image(c.image().reference())
                        .imagePullPolicy(c.image().pullPolicy())
                        .command("python3", "-c", SCRIPT)
                        .args(url.applyValue(u -> List.of(u, Integer.toString(timeout - 10))))
                        .resources(ResourceRequirementsArgs.builder()
                                .requests(Map.of("cpu", "10m", "memory", "32Mi", "ephemeral-storage", "16Mi"))
                                .limits(Map.of("cpu", "200m", "memory", "128Mi", "ephemeral-storage", "128Mi"))
                                .build())
                        .securityContext(PodSecurity.container())
                        .volumeMounts(PodSecurity.tmpMount())
                        .build())
                .volumes(PodSecurity.tmpVolume("64Mi"));
        Inputs.ifAny(c.image().pullSecrets().stream()
                .map(s -> LocalObjectReferenceArgs.builder().name(s).build()).toList(), pod::imagePullSecrets);
        return Optional.of(new Job(name, JobArgs.builder()
                .metadata(scope.workloadMetadata(name, AppLabels.CONNECTION_TEST))
                .spec(JobSpecArgs.builder()
                        .backoffLimit(1)
                        .activeDeadlineSeconds(timeout)
                        .ttlSecondsAfterFinished(c.connectionTest().ttlSecondsAfterFinished())
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(scope.labels().workload(AppLabels.CONNECTION_TEST)).build())
                                .spec(pod.build())
                                .build())
                        .build())
                .build(), scope.options(deployment, service)));
    }

    private static String readScript() {
        try (InputStream in = ConnectionTest.class.getResourceAsStream("connection_test.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
