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
import dev.mlapi.components.inputs.ConnectionTestArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart's {@code helm test}, run by every deployment: after the Deployment is ready, a Job
 * asks the Service for {@code connectionTest.path} from inside the namespace, with the
 * project's small test program (connection-test/, its own image by digest: the API's image
 * needs no HTTP client). It proves that the Service name resolves, that it selects ready pods,
 * and that the API answers 200 through it. The Job's name carries a hash of the args' revision
 * (the program's: its whole config, image included), so any change runs it again; the engine waits for it and fails the update when it
 * fails. The finished Job stays, with its pod's log, until that change replaces it: a TTL
 * would delete it behind the engine, and every refresh-preview would plan it again.
 */
final class ConnectionTest {
    /** Time for the Job's pod to be scheduled and its image pulled, before the program's own limit starts. */
    static final int START_ALLOWANCE_SECONDS = 120;
    /** The engine's wait beyond the Job's deadline, so that the Job fails first, with its own reason. */
    private static final int AWAIT_MARGIN_SECONDS = 30;

    private ConnectionTest() {}

    static Optional<Job> create(AppScope scope, Service service, Resource deployment) {
        MlApiArgs c = scope.args();
        Optional<ConnectionTestArgs> enabled = c.connectionTest().filter(ConnectionTestArgs::enabled);
        if (enabled.isEmpty()) {
            return Optional.empty();
        }
        ConnectionTestArgs test = enabled.get();
        String name = scope.labels().objectName(test.revision().map(r -> "test-" + KubernetesNames.sha256Hex(r).substring(0, 8)).orElse("test"));
        Output<String> url = scope.namespace().applyValue(ns ->
                AppLabels.serviceUrl(scope.labels().name(), ns, c.service().port()) + test.path().orElse(c.probes().readinessPath()));
        var pod = PodSpecArgs.builder()
                .restartPolicy("Never")
                .automountServiceAccountToken(false)
                .enableServiceLinks(false)
                .securityContext(PodSecurity.pod(c.securityContext()))
                .containers(ContainerArgs.builder()
                        .name("connection-test")
                        .image(test.image())
                        // As the API's: the kubelet checks the registry and its credentials on every start (by digest, no layer is fetched again).
                        .imagePullPolicy("Always")
                        .args(url.applyValue(u -> List.of(u, Integer.toString(test.timeoutSeconds()))))
                        .resources(ResourceRequirementsArgs.builder()
                                .requests(Map.of("cpu", "10m", "memory", "16Mi", "ephemeral-storage", "1Mi"))
                                .limits(Map.of("cpu", "100m", "memory", "32Mi", "ephemeral-storage", "16Mi"))
                                .build())
                        .securityContext(PodSecurity.container())
                        .volumeMounts(PodSecurity.tmpMount())
                        .build())
                .volumes(PodSecurity.tmpVolume("1Mi"));
        PodScheduling.connectionTest(pod, c);
        Inputs.ifAny(c.image().pullSecrets().stream()
                .map(s -> LocalObjectReferenceArgs.builder().name(s).build()).toList(), pod::imagePullSecrets);
        return Optional.of(new Job(name, JobArgs.builder()
                .metadata(scope.workloadMetadata(name, AppLabels.CONNECTION_TEST))
                .spec(JobSpecArgs.builder()
                        // The program retries until its limit; a second pod would only repeat its verdict.
                        .backoffLimit(0)
                        .activeDeadlineSeconds(activeDeadlineSeconds(test))
                        .template(PodTemplateSpecArgs.builder()
                                .metadata(ObjectMetaArgs.builder().labels(scope.labels().workload(AppLabels.CONNECTION_TEST)).build())
                                .spec(pod.build())
                                .build())
                        .build())
                .build(), scope.awaitedOptions(awaitTimeout(test), deployment, service)));
    }

    /** The program's limit starts with its process; the Job's covers the pod's scheduling and image pull too. */
    private static int activeDeadlineSeconds(ConnectionTestArgs test) {
        return test.timeoutSeconds() + START_ALLOWANCE_SECONDS;
    }

    /** The engine's wait for the Job. */
    static Duration awaitTimeout(ConnectionTestArgs test) {
        return Duration.ofSeconds(activeDeadlineSeconds(test) + AWAIT_MARGIN_SECONDS);
    }
}
