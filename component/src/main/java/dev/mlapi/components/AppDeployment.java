package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.apps.v1.DeploymentArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentSpecArgs;
import com.pulumi.kubernetes.apps.v1.inputs.DeploymentStrategyArgs;
import com.pulumi.kubernetes.apps.v1.inputs.RollingUpdateDeploymentArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapEnvSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ConfigMapVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerArgs;
import com.pulumi.kubernetes.core.v1.inputs.ContainerPortArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvFromSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.ExecActionArgs;
import com.pulumi.kubernetes.core.v1.inputs.LifecycleArgs;
import com.pulumi.kubernetes.core.v1.inputs.LifecycleHandlerArgs;
import com.pulumi.kubernetes.core.v1.inputs.LocalObjectReferenceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PersistentVolumeClaimVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodTemplateSpecArgs;
import com.pulumi.kubernetes.core.v1.inputs.ResourceRequirementsArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.CustomTimeouts;
import dev.mlapi.components.inputs.AutoscalingArgs;
import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import dev.mlapi.components.inputs.ShutdownArgs;
import java.time.Duration;
import dev.mlapi.components.inputs.NamedValueArgs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The ML API's pods: one container, restricted security, probes sized for the model load. */
final class AppDeployment {
    static final String CONTAINER = "api";
    static final String GPU_RESOURCE = "nvidia.com/gpu";
    private static final String CONFIG_VOLUME = "config";
    private static final String MODEL_CACHE_VOLUME = "model-cache";
    // The Kubernetes provider's switch for a server-side apply that forces conflicts.
    static final String PATCH_FORCE = "pulumi.com/patchForce";
    // New pods a rollout adds at once, as a share of the replicas (rounded up); none is taken away first.
    private static final int SURGE_PERCENT = 25;

    private AppDeployment() {}

    static Deployment create(AppScope scope, Output<String> serviceAccount, Optional<Output<String>> configMap, SecretRouting secrets) {
        MlApiArgs c = scope.args();
        AppLabels labels = scope.labels();

        var spec = DeploymentSpecArgs.builder()
                .selector(LabelSelectorArgs.builder().matchLabels(labels.selector(AppLabels.INFERENCE)).build())
                // Keep serving capacity during a rollout: new pods must load the model first.
                .strategy(DeploymentStrategyArgs.builder().type("RollingUpdate")
                        .rollingUpdate(RollingUpdateDeploymentArgs.builder().maxSurge(SURGE_PERCENT + "%").maxUnavailable(0).build())
                        .build())
                .revisionHistoryLimit(5)
                .progressDeadlineSeconds(HealthProbes.progressDeadlineSeconds(c.probes()))
                .template(PodTemplateSpecArgs.builder()
                        .metadata(podMetadata(c, labels, secrets))
                        .spec(podSpec(c, scope.image(), labels, serviceAccount, configMap, secrets))
                        .build());
        Duration await = rolloutTimeout(c);
        var options = CustomResourceOptions.builder()
                .parent(scope.parent())
                .customTimeouts(CustomTimeouts.builder().create(await).update(await).build());
        Map<String, String> annotations = new TreeMap<>();
        replicas(c, spec, options, annotations);
        return new Deployment(labels.name(), DeploymentArgs.builder()
                .metadata(scope.workloadMetadata(labels.name(), AppLabels.INFERENCE, annotations))
                .spec(spec.build())
                .build(), options.build());
    }

    /**
     * Who owns spec.replicas under server-side apply. Autoscaled: the autoscaler, and the
     * manifest states no count (one there would fight it on every apply). The field is ignored
     * rather than dropped: when autoscaling is turned on, the engine keeps the count the stack
     * last applied and the provider applies the live count while the stack still owns the
     * field, so the Deployment does not fall back to 1 before the autoscaler exists; once the
     * autoscaler has taken the field, the provider leaves it out. Not autoscaled: the stack,
     * forcing its apply so that the count an autoscaler left (its controller then owns the
     * field) is taken back instead of failing up with a conflict; the stack is the one author
     * of this object. The engine deletes a removed autoscaler only after the Deployment's
     * update, so an up that turns autoscaling off to a count the autoscaler would change (below
     * its minimum, say) can see the autoscaler undo it in those seconds: turn it off at a count
     * within its bounds.
     */
    private static void replicas(MlApiArgs c, DeploymentSpecArgs.Builder spec, CustomResourceOptions.Builder options,
                                 Map<String, String> annotations) {
        if (AppAutoscaler.enabled(c).isPresent()) {
            options.ignoreChanges("spec.replicas");
        } else {
            spec.replicas(c.replicas());
            annotations.put(PATCH_FORCE, "true");
        }
    }

    /**
     * The engine's wait for a whole rollout. Pods are replaced a surge batch at a time, each
     * batch within the progress deadline. A stuck batch marks the Deployment failed
     * (ProgressDeadlineExceeded) when that deadline passes; the provider reports that reason but
     * ends its wait only at this timeout, so a stuck rollout takes this long to fail up. With
     * autoscaling, a rollout may meet the largest count the autoscaler can reach.
     */
    static Duration rolloutTimeout(MlApiArgs c) {
        int pods = AppAutoscaler.enabled(c).map(AutoscalingArgs::maxReplicas).orElse(c.replicas());
        int surge = Math.max(1, (pods * SURGE_PERCENT + 99) / 100);
        int batches = Math.max(1, (pods + surge - 1) / surge);
        return Duration.ofSeconds((long) batches * HealthProbes.progressDeadlineSeconds(c.probes()) + 60);
    }

    private static ObjectMetaArgs podMetadata(MlApiArgs c, AppLabels labels, SecretRouting secrets) {
        Output<Map<String, String>> podLabels = labels.workload(AppLabels.INFERENCE).applyValue(own -> {
            Map<String, String> all = Inputs.labels(c.podLabels());
            all.putAll(own);
            return all;
        });
        var metadata = ObjectMetaArgs.builder().labels(podLabels);
        Map<String, String> routing = secrets.podAnnotations();
        if (!c.podAnnotations().isEmpty() || !routing.isEmpty()) {
            metadata.annotations(Inputs.map(c.podAnnotations()).applyValue(stated -> {
                Map<String, String> all = new TreeMap<>(stated);
                all.putAll(routing);
                return all;
            }));
        }
        return metadata.build();
    }

    private static PodSpecArgs podSpec(MlApiArgs c, Output<String> image, AppLabels labels, Output<String> serviceAccount,
                                       Optional<Output<String>> configMap, SecretRouting secrets) {
        List<VolumeArgs> volumes = new ArrayList<>(List.of(PodSecurity.tmpVolume(PodSecurity.API_TMP_SIZE)));
        List<VolumeMountArgs> mounts = new ArrayList<>(List.of(PodSecurity.tmpMount()));
        List<EnvFromSourceArgs> envFrom = new ArrayList<>();
        Optional<String> configMountPath = c.configMap().flatMap(files -> files.mountPath());
        configMap.ifPresent(name -> {
            if (configMountPath.isPresent()) {
                volumes.add(VolumeArgs.builder().name(CONFIG_VOLUME)
                        .configMap(ConfigMapVolumeSourceArgs.builder().name(name).build()).build());
                mounts.add(VolumeMountArgs.builder().name(CONFIG_VOLUME).mountPath(configMountPath.get()).readOnly(true).build());
            } else {
                envFrom.add(EnvFromSourceArgs.builder().configMapRef(ConfigMapEnvSourceArgs.builder().name(name).build()).build());
            }
        });
        volumes.addAll(secrets.volumes());
        mounts.addAll(secrets.mounts());
        c.modelCache().ifPresent(cache -> {
            volumes.add(modelCacheVolume(cache));
            mounts.add(VolumeMountArgs.builder().name(MODEL_CACHE_VOLUME).mountPath(cache.mountPath())
                    .readOnly(cache.readOnly().orElse(false)).build());
        });

        var container = ContainerArgs.builder()
                .name(CONTAINER)
                .image(image)
                .imagePullPolicy(c.image().pullPolicy())
                .ports(ContainerPortArgs.builder().name(HealthProbes.PORT_NAME).containerPort(c.port()).protocol("TCP").build())
                .resources(resources(c.resources()))
                .startupProbe(HealthProbes.startup(c.probes()))
                .livenessProbe(HealthProbes.liveness(c.probes()))
                .readinessProbe(HealthProbes.readiness(c.probes()))
                .securityContext(PodSecurity.container())
                .volumeMounts(mounts);
        preStopDrain(c.shutdown()).ifPresent(container::lifecycle);
        // By name: the order of the args' variables says nothing, and a new order would roll the pods.
        List<EnvVarArgs> env = new ArrayList<>(c.env().stream().sorted(Comparator.comparing(NamedValueArgs::name))
                .map(e -> EnvVarArgs.builder().name(e.name()).value(e.value()).build()).toList());
        env.addAll(secrets.env());
        PythonRuntimeEnv.of(c).forEach((name, value) -> env.add(EnvVarArgs.builder().name(name).value(value).build()));
        Inputs.ifAny(env, container::env);
        Inputs.ifAny(envFrom, container::envFrom);

        var pod = PodSpecArgs.builder()
                .serviceAccountName(serviceAccount)
                .automountServiceAccountToken(c.serviceAccount().automountToken())
                // Service links put an env var per Service in every pod; an API reads its config, not those.
                .enableServiceLinks(false)
                .securityContext(PodSecurity.pod(c.securityContext()))
                .terminationGracePeriodSeconds(c.shutdown().gracePeriodSeconds())
                .containers(container.build())
                .volumes(volumes);
        Inputs.ifAny(c.image().pullSecrets().stream()
                .map(s -> LocalObjectReferenceArgs.builder().name(s).build()).toList(), pod::imagePullSecrets);
        PodScheduling.api(pod, c, labels);
        return pod.build();
    }

    /**
     * Endpoints drop a terminating pod asynchronously: the pod keeps serving for the drain time
     * before SIGTERM, so no request is sent to a server that has closed its socket. The sleep
     * runs in the container (the pinned Java SDK predates the kubelet's own sleep action), so an
     * image without a sleep binary needs drainSeconds: 0.
     */
    private static Optional<LifecycleArgs> preStopDrain(ShutdownArgs s) {
        if (s.drainSeconds() == 0) {
            return Optional.empty();
        }
        return Optional.of(LifecycleArgs.builder().preStop(LifecycleHandlerArgs.builder()
                .exec(ExecActionArgs.builder().command("sleep", Integer.toString(s.drainSeconds())).build()).build()).build());
    }

    static ResourceRequirementsArgs resources(ResourcesArgs r) {
        Map<String, String> limits = amounts(r.limits());
        r.gpu().filter(gpu -> gpu > 0)
                // Extended resources are set as limits; Kubernetes makes the request equal.
                .ifPresent(gpu -> limits.put(GPU_RESOURCE, Integer.toString(gpu)));
        return ResourceRequirementsArgs.builder().requests(amounts(r.requests())).limits(limits).build();
    }

    private static Map<String, String> amounts(Optional<QuantitiesArgs> quantities) {
        Map<String, String> amounts = new LinkedHashMap<>();
        quantities.ifPresent(q -> {
            q.cpu().ifPresent(cpu -> amounts.put("cpu", cpu));
            q.memory().ifPresent(memory -> amounts.put("memory", memory));
            q.ephemeralStorage().ifPresent(storage -> amounts.put("ephemeral-storage", storage));
        });
        return amounts;
    }

    private static VolumeArgs modelCacheVolume(ModelCacheArgs cache) {
        var volume = VolumeArgs.builder().name(MODEL_CACHE_VOLUME);
        if (cache.existingClaim().isPresent()) {
            return volume.persistentVolumeClaim(PersistentVolumeClaimVolumeSourceArgs.builder().claimName(cache.existingClaim().get()).build()).build();
        }
        return volume.emptyDir(EmptyDirVolumeSourceArgs.builder().sizeLimit(cache.sizeLimit().orElseThrow()).build()).build();
    }
}
