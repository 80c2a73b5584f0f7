package dev.mlapi.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The whole {@code mlapi:} config of a stack, after environment defaults are applied.
 * Each top-level component is one key of the stack file; nested records are its fields.
 * Fields that may be absent after defaults are nullable; everything else is always set.
 */
public record MlApiConfig(
        String name,
        Environment environment,
        Namespace namespace,
        Image image,
        Integer replicas,
        Resources resources,
        Integer port,
        Service service,
        Probes probes,
        Shutdown shutdown,
        Map<String, String> env,
        ConfigFiles configMap,
        List<SecretRef> secrets,
        ExternalSecrets externalSecrets,
        Autoscaling autoscaling,
        DisruptionBudget disruptionBudget,
        Map<String, String> podAnnotations,
        Map<String, String> podLabels,
        Scheduling scheduling,
        ServiceAccount serviceAccount,
        Ingress ingress,
        NetworkPolicy networkPolicy,
        ModelCache modelCache,
        ConnectionTest connectionTest,
        SecurityContext securityContext) {

    public MlApiConfig {
        // Names that default to the app's own name are derived here, once.
        if (namespace != null && namespace.name() == null && name != null && environment != null) {
            namespace = new Namespace(name + "-" + environment.id(), namespace.create());
        }
        if (serviceAccount != null && serviceAccount.name() == null && name != null) {
            serviceAccount = new ServiceAccount(serviceAccount.create(), name,
                    serviceAccount.annotations(), serviceAccount.automountToken());
        }
        // Production reserves its whole memory limit (Guaranteed memory); unstated, the request is the limit.
        if (environment == Environment.PRODUCTION && resources != null && resources.limits() != null && resources.limits().memory() != null
                && (resources.requests() == null || resources.requests().memory() == null)) {
            Quantities requests = resources.requests() == null ? new Quantities(null, null, null) : resources.requests();
            resources = new Resources(new Quantities(requests.cpu(), resources.limits().memory(), requests.ephemeralStorage()),
                    resources.limits(), resources.gpu());
        }
    }

    /** The secrets by source, each with its source typed. */
    public SecretsBySource secretsBySource() {
        return SecretsBySource.of(secrets);
    }

    /** The namespace to deploy into; {@code create} false means it exists already. */
    public record Namespace(String name, Boolean create) {}

    /** A container image by tag or digest; a digest wins when both are set. */
    public record Image(String repository, String tag, String digest, String pullPolicy, List<String> pullSecrets) {
        public String reference() {
            if (digest != null) {
                return repository + "@" + digest;
            }
            return repository + ":" + tag;
        }
    }

    public record Resources(Quantities requests, Quantities limits, Integer gpu) {}

    public record Quantities(String cpu, String memory, String ephemeralStorage) {}

    public record Service(String type, Integer port) {}

    /**
     * HTTP health checks. The startup probe allows {@code modelLoadTimeoutSeconds} for the model to
     * load before liveness takes over, so a slow load is never mistaken for a hung process.
     */
    public record Probes(String livenessPath, String readinessPath, String startupPath,
                         Integer periodSeconds, Integer startupPeriodSeconds, Integer timeoutSeconds, Integer failureThreshold,
                         Integer modelLoadTimeoutSeconds) {}

    /**
     * How a pod stops. Before SIGTERM it keeps serving for {@code drainSeconds}, while the
     * endpoint controllers, kube-proxy and ingress controllers stop sending it requests; then the
     * server finishes the requests in flight. {@code gracePeriodSeconds} bounds the whole, after
     * which the kubelet kills the container.
     */
    public record Shutdown(Integer drainSeconds, Integer gracePeriodSeconds) {}

    /**
     * A credential for the API, from exactly one {@link SecretSource}. It reaches the container as
     * the environment variable {@code env}, or as the file {@code mountPath}/{@code name}.
     * {@code source} is null only in a config that fails validation: an entry that states no
     * source, or several.
     */
    public record SecretRef(String name, String env, String mountPath, SecretSource source) {
        /** The stack file's form: the source is whichever of stackConfig, awsSecretsManager or sealed the entry states. */
        @JsonCreator
        static SecretRef fromStackFile(@JsonProperty("name") String name, @JsonProperty("env") String env,
                                       @JsonProperty("mountPath") String mountPath, @JsonProperty("stackConfig") String stackConfig,
                                       @JsonProperty("awsSecretsManager") SecretSource.AwsSecret awsSecretsManager,
                                       @JsonProperty("sealed") SecretSource.Sealed sealed) {
            List<SecretSource> stated = Stream.<SecretSource>of(stackConfig == null ? null : new SecretSource.StackConfig(stackConfig), awsSecretsManager, sealed)
                    .filter(Objects::nonNull).toList();
            return new SecretRef(name, env, mountPath, stated.size() == 1 ? stated.get(0) : null);
        }

        /**
         * The entry as the stack file states it. The connection test's Job is named by a hash of
         * the config's text ({@code ConnectionTest}), so this text must not follow the Java shape.
         */
        @Override
        public String toString() {
            String stated = source == null ? "stackConfig=null, awsSecretsManager=null, sealed=null" : source.match(
                    k -> "stackConfig=" + k.key() + ", awsSecretsManager=null, sealed=null",
                    aws -> "stackConfig=null, awsSecretsManager=" + aws + ", sealed=null",
                    sealed -> "stackConfig=null, awsSecretsManager=null, sealed=" + sealed);
            return "SecretRef[name=" + name + ", env=" + env + ", mountPath=" + mountPath + ", " + stated + "]";
        }
    }

    /**
     * How the External Secrets Operator reaches AWS: a namespaced SecretStore the stack creates,
     * authenticating as the app's ServiceAccount through IRSA ({@code roleArn}), or an existing
     * ClusterSecretStore by name.
     */
    public record ExternalSecrets(String storeKind, String clusterStoreName, String region, String roleArn, String refreshInterval,
                                  ManagedAws manageAws) {}

    /**
     * The AWS side made by the stack: the secrets, and a role that only this ServiceAccount can
     * assume (through the cluster's OIDC provider) and that may read only these secrets.
     */
    public record ManagedAws(String oidcProviderArn, String kmsKeyArn) {}

    /** Files or environment variables from a ConfigMap the stack creates. */
    public record ConfigFiles(Map<String, String> data, String mountPath) {}

    public record Autoscaling(Boolean enabled, Integer minReplicas, Integer maxReplicas,
                              Integer targetCpuUtilization, Integer targetMemoryUtilization) {}

    /** Exactly one of the two, each a count ("1") or a percentage ("25%"). */
    public record DisruptionBudget(Boolean enabled, String minAvailable, String maxUnavailable) {}

    public record Scheduling(Map<String, String> nodeSelector, List<Toleration> tolerations,
                             List<NodeRequirement> requiredNodeAffinity,
                             Boolean spreadAcrossNodes, Boolean spreadAcrossZones,
                             Map<String, String> gpuNodeSelector, List<Toleration> gpuTolerations) {}

    public record Toleration(String key, String operator, String value, String effect, Integer tolerationSeconds) {}

    public record NodeRequirement(String key, String operator, List<String> values) {}

    public record ServiceAccount(Boolean create, String name, Map<String, String> annotations, Boolean automountToken) {}

    public record Ingress(Boolean enabled, String className, String host, String path, String tlsSecret,
                          Map<String, String> annotations) {}

    /**
     * Who may reach the API: pods of its own namespace, and the namespaces listed (the ingress
     * controller's, a gateway's). Egress stays open: models and feature stores live elsewhere.
     */
    public record NetworkPolicy(Boolean enabled, List<String> allowFromNamespaces) {}

    /**
     * Where downloaded model weights are kept: a sized emptyDir, or an existing claim; {@code readOnly}
     * mounts the claim read-only (weights prepared beforehand, shared by many replicas).
     */
    public record ModelCache(String mountPath, String sizeLimit, String existingClaim, Boolean readOnly) {
        public boolean readOnlyMount() {
            return Boolean.TRUE.equals(readOnly);
        }
    }

    /**
     * The Job that calls the API through its Service after each deployment. {@code path} is what
     * it asks for: the readiness path unless set, or a path that exercises the model end to end.
     * {@code image} is the project's test program (connection-test/), by digest.
     * {@code ttlSecondsAfterFinished} is no longer a setting; it is read only to refuse it with
     * the reason.
     */
    public record ConnectionTest(Boolean enabled, String path, Integer ttlSecondsAfterFinished, Integer timeoutSeconds, String image) {}

    public record SecurityContext(Integer runAsUser, Integer runAsGroup, Integer fsGroup) {}
}
