package dev.mlapi.components;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import dev.mlapi.components.inputs.AutoscalingArgs;
import dev.mlapi.components.inputs.ConfigFilesArgs;
import dev.mlapi.components.inputs.ConnectionTestArgs;
import dev.mlapi.components.inputs.DisruptionBudgetArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.ImageArgs;
import dev.mlapi.components.inputs.IngressArgs;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import dev.mlapi.components.inputs.NamespaceArgs;
import dev.mlapi.components.inputs.NetworkPolicyArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.components.inputs.SecurityContextArgs;
import dev.mlapi.components.inputs.ServiceAccountArgs;
import dev.mlapi.components.inputs.ServiceArgs;
import dev.mlapi.components.inputs.ShutdownArgs;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link MlApi} is built from: the public API of the component. The component's name names
 * its objects (a DNS label that starts with a letter). Build it with {@link #builder()}; the groups
 * are the classes of {@code dev.mlapi.components.inputs}. {@link MlApi} checks the whole before it
 * creates anything and reports every problem at once ({@link MlApiArgsRules}).
 */
public final class MlApiArgs extends ResourceArgs {
    @Import(name = "environment", required = true)
    private String environment;
    @Import(name = "namespace")
    private NamespaceArgs namespace;
    @Import(name = "image", required = true)
    private ImageArgs image;
    @Import(name = "replicas")
    private Integer replicas;
    @Import(name = "resources")
    private ResourcesArgs resources;
    @Import(name = "port")
    private Integer port;
    @Import(name = "service")
    private ServiceArgs service;
    @Import(name = "probes")
    private ProbesArgs probes;
    @Import(name = "shutdown")
    private ShutdownArgs shutdown;
    @Import(name = "env")
    private List<NamedValueArgs> env;
    @Import(name = "configMap")
    private ConfigFilesArgs configMap;
    @Import(name = "secrets")
    private List<SecretArgs> secrets;
    @Import(name = "externalSecrets")
    private ExternalSecretsArgs externalSecrets;
    @Import(name = "autoscaling")
    private AutoscalingArgs autoscaling;
    @Import(name = "disruptionBudget")
    private DisruptionBudgetArgs disruptionBudget;
    @Import(name = "podAnnotations")
    private List<NamedValueArgs> podAnnotations;
    @Import(name = "podLabels")
    private List<LabelArgs> podLabels;
    @Import(name = "scheduling")
    private SchedulingArgs scheduling;
    @Import(name = "serviceAccount")
    private ServiceAccountArgs serviceAccount;
    @Import(name = "ingress")
    private IngressArgs ingress;
    @Import(name = "networkPolicy")
    private NetworkPolicyArgs networkPolicy;
    @Import(name = "modelCache")
    private ModelCacheArgs modelCache;
    @Import(name = "connectionTest")
    private ConnectionTestArgs connectionTest;
    @Import(name = "securityContext")
    private SecurityContextArgs securityContext;

    private MlApiArgs() {}

    /** dev, staging or production: recorded in labels; staging and production hold the API to stricter rules (an immutable image; production: two replicas or more, a memory limit reserved whole). */
    public String environment() { return environment; }
    /** The namespace the API lives in. */
    public NamespaceArgs namespace() { return namespace; }
    /** The container image. */
    public ImageArgs image() { return image; }
    /** The replica count, when no autoscaler owns it. */
    public Integer replicas() { return replicas; }
    /** What each replica reserves and may use. */
    public ResourcesArgs resources() { return resources; }
    /** The container's port (1024 or above: the pods run as a user that cannot bind below). */
    public Integer port() { return port; }
    /** The Service in front of the pods. */
    public ServiceArgs service() { return service; }
    /** Health checks sized for the model load. */
    public ProbesArgs probes() { return probes; }
    /** How a pod stops. */
    public ShutdownArgs shutdown() { return shutdown; }
    /** Environment variables of the container. Empty when not set. */
    public List<NamedValueArgs> env() { return env == null ? List.of() : env; }
    /** Files or environment variables from a ConfigMap the component creates. */
    public Optional<ConfigFilesArgs> configMap() { return Optional.ofNullable(configMap); }
    /** Credentials for the API, each from one source, as a variable or a file. Empty when not set. */
    public List<SecretArgs> secrets() { return secrets == null ? List.of() : secrets; }
    /** How secrets from AWS Secrets Manager reach the cluster; needed when one comes from there. */
    public Optional<ExternalSecretsArgs> externalSecrets() { return Optional.ofNullable(externalSecrets); }
    /** Scaling on use; without it the replica count is fixed. */
    public Optional<AutoscalingArgs> autoscaling() { return Optional.ofNullable(autoscaling); }
    /** How many replicas node drains may take at once; without it, no budget. */
    public Optional<DisruptionBudgetArgs> disruptionBudget() { return Optional.ofNullable(disruptionBudget); }
    /** Annotations of the pods. Empty when not set. */
    public List<NamedValueArgs> podAnnotations() { return podAnnotations == null ? List.of() : podAnnotations; }
    /** Labels of the pods, besides the component's own. Empty when not set. */
    public List<LabelArgs> podLabels() { return podLabels == null ? List.of() : podLabels; }
    /** Where the pods may run; without it, anywhere but GPU nodes. */
    public Optional<SchedulingArgs> scheduling() { return Optional.ofNullable(scheduling); }
    /** The identity the pods run as. */
    public ServiceAccountArgs serviceAccount() { return serviceAccount; }
    /** An Ingress for the Service; without it, none. */
    public Optional<IngressArgs> ingress() { return Optional.ofNullable(ingress); }
    /** Who may reach the API; without it, no NetworkPolicy. */
    public Optional<NetworkPolicyArgs> networkPolicy() { return Optional.ofNullable(networkPolicy); }
    /** Where downloaded model weights are kept; without it, under /tmp. */
    public Optional<ModelCacheArgs> modelCache() { return Optional.ofNullable(modelCache); }
    /** A test through the Service after each change; without it, none. */
    public Optional<ConnectionTestArgs> connectionTest() { return Optional.ofNullable(connectionTest); }
    /** The ids the pods run as. */
    public SecurityContextArgs securityContext() { return securityContext; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final MlApiArgs $ = new MlApiArgs();

        public Builder environment(String environment) { $.environment = environment; return this; }
        public Builder namespace(NamespaceArgs namespace) { $.namespace = namespace; return this; }
        public Builder image(ImageArgs image) { $.image = image; return this; }
        public Builder replicas(Integer replicas) { $.replicas = replicas; return this; }
        public Builder resources(ResourcesArgs resources) { $.resources = resources; return this; }
        public Builder port(Integer port) { $.port = port; return this; }
        public Builder service(ServiceArgs service) { $.service = service; return this; }
        public Builder probes(ProbesArgs probes) { $.probes = probes; return this; }
        public Builder shutdown(ShutdownArgs shutdown) { $.shutdown = shutdown; return this; }
        public Builder env(List<NamedValueArgs> env) { $.env = env == null ? null : List.copyOf(env); return this; }
        public Builder env(NamedValueArgs... env) { return env(List.of(env)); }
        public Builder configMap(ConfigFilesArgs configMap) { $.configMap = configMap; return this; }
        public Builder secrets(List<SecretArgs> secrets) { $.secrets = secrets == null ? null : List.copyOf(secrets); return this; }
        public Builder secrets(SecretArgs... secrets) { return secrets(List.of(secrets)); }
        public Builder externalSecrets(ExternalSecretsArgs externalSecrets) { $.externalSecrets = externalSecrets; return this; }
        public Builder autoscaling(AutoscalingArgs autoscaling) { $.autoscaling = autoscaling; return this; }
        public Builder disruptionBudget(DisruptionBudgetArgs disruptionBudget) { $.disruptionBudget = disruptionBudget; return this; }
        public Builder podAnnotations(List<NamedValueArgs> podAnnotations) { $.podAnnotations = podAnnotations == null ? null : List.copyOf(podAnnotations); return this; }
        public Builder podAnnotations(NamedValueArgs... podAnnotations) { return podAnnotations(List.of(podAnnotations)); }
        public Builder podLabels(List<LabelArgs> podLabels) { $.podLabels = podLabels == null ? null : List.copyOf(podLabels); return this; }
        public Builder podLabels(LabelArgs... podLabels) { return podLabels(List.of(podLabels)); }
        public Builder scheduling(SchedulingArgs scheduling) { $.scheduling = scheduling; return this; }
        public Builder serviceAccount(ServiceAccountArgs serviceAccount) { $.serviceAccount = serviceAccount; return this; }
        public Builder ingress(IngressArgs ingress) { $.ingress = ingress; return this; }
        public Builder networkPolicy(NetworkPolicyArgs networkPolicy) { $.networkPolicy = networkPolicy; return this; }
        public Builder modelCache(ModelCacheArgs modelCache) { $.modelCache = modelCache; return this; }
        public Builder connectionTest(ConnectionTestArgs connectionTest) { $.connectionTest = connectionTest; return this; }
        public Builder securityContext(SecurityContextArgs securityContext) { $.securityContext = securityContext; return this; }

        public MlApiArgs build() {
            return $;
        }
    }
}
