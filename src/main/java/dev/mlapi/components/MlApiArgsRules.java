package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import dev.mlapi.components.inputs.AutoscalingArgs;
import dev.mlapi.components.inputs.ConfigFilesArgs;
import dev.mlapi.components.inputs.ConnectionTestArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.ManagedAwsArgs;
import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import dev.mlapi.components.inputs.NodeRequirementArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import dev.mlapi.components.inputs.SealedArgs;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.components.inputs.SecurityContextArgs;
import dev.mlapi.components.inputs.ShutdownArgs;
import dev.mlapi.components.inputs.TolerationArgs;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules an {@link MlApiArgs} must meet, stated once for every consumer: {@link MlApi} checks
 * its args with {@link #check} before it creates anything, and the stack-file program runs the
 * same groups on the args it maps from a stack file, in its own order, with examples that name
 * its keys ({@code keys} renders an args path as the consumer writes it).
 */
public final class MlApiArgsRules {
    /** The most replicas an API may ask for. */
    public static final int MAX_REPLICAS = 1000;
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");
    private static final int MAX_MODEL_LOAD_SECONDS = 2 * 3600;
    private static final int MAX_DRAIN_SECONDS = 300;
    // The connection test runs against a Deployment already ready: its Service's endpoints settle in seconds.
    private static final int MIN_CONNECTION_TEST_SECONDS = 30;
    private static final int MAX_CONNECTION_TEST_SECONDS = 900;
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    // The reference grammar of the distribution spec, without the optional tag and digest.
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    /** Tags that name one build forever: a semantic version, or a commit id. */
    private static final Pattern IMMUTABLE_TAG = Pattern.compile("^v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$|^(?:[a-z0-9.-]+-)?[0-9a-f]{7,40}$");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");
    private static final String DIGEST_EXAMPLE = "sha256:" + "0123456789abcdef".repeat(4);
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    private static final Pattern SECRET_ARN = Pattern.compile("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$");
    private static final Pattern SEALED = Pattern.compile("^[A-Za-z0-9+/]{64,}={0,2}$");
    private static final Pattern SECRET_NAME = Pattern.compile("^[A-Za-z0-9/_+=.@-]{1,512}$");
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$");
    private static final Pattern OIDC_PROVIDER_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/[A-Za-z0-9./_-]+$");
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-gov)?-[a-z]+-\\d$");
    private static final List<String> TOLERATION_OPERATORS = List.of("Exists", "Equal");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
    /**
     * A plain prefix: no regex characters, and none of the empty or dot segments the API server
     * refuses. Each segment ends at a / or the end, so a long mismatch fails in linear time.
     */
    private static final Pattern PLAIN_PATH = Pattern.compile("^/(?:(?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+(?:/|$))*$");

    private final UnaryOperator<String> keys;
    private final List<ArgsProblem> problems = new ArrayList<>();

    /** @param keys how the consumer writes an args path in an example ({@code probes.periodSeconds}) */
    public MlApiArgsRules(UnaryOperator<String> keys) {
        this.keys = keys;
    }

    /** Every problem of the args of the MlApi called {@code name}, in the order of the args; thrown together. */
    public static void check(String name, MlApiArgs args) {
        MlApiArgsRules rules = new MlApiArgsRules(UnaryOperator.identity());
        rules.required("", args);
        if (rules.problems.isEmpty()) {
            rules.all(name, args);
        }
        if (!rules.problems.isEmpty()) {
            throw new InvalidArgsException(name, rules.problems);
        }
    }

    /** The problems found so far, in the order they were found. */
    public List<ArgsProblem> problems() {
        return List.copyOf(problems);
    }

    private void all(String name, MlApiArgs args) {
        name(name);
        check(ENVIRONMENTS.contains(args.environment()), "environment", "must be one of " + ENVIRONMENTS, example("environment", "dev"));
        imagePull(args);
        replicaBounds(args);
        replicaNeeds(args);
        resources(args, false);
        ports(args);
        probes(args.probes());
        shutdown(args.shutdown());
        env(args);
        secrets(args, MlApiArgsRules::ownSources);
        // The role's ARN may be an output: checked once known (checkedRoleArn).
        externalSecrets(args, Optional.empty());
        configMap(args);
        autoscaling(args);
        autoscalingRequests(args);
        metadata(args);
        scheduling(args);
        serviceAccount(args);
        ingress(args);
        networkPolicy(args);
        modelCache(args);
        mountPaths(args);
        connectionTest(args);
        connectionTestImage(args);
        securityContext(args.securityContext());
    }

    /** Every field marked required is set, in the groups that are. */
    private void required(String at, ResourceArgs args) {
        for (Field field : args.getClass().getDeclaredFields()) {
            Import annotation = field.getAnnotation(Import.class);
            if (annotation == null) {
                continue;
            }
            Object value;
            try {
                field.setAccessible(true);
                value = field.get(args);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            String path = at + annotation.name();
            if (value == null && annotation.required()) {
                problems.add(new ArgsProblem(path, "is required", keys.apply(path) + ": ..."));
            } else if (value instanceof ResourceArgs group) {
                required(path + ".", group);
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof ResourceArgs item) {
                        required(path + "[" + i + "].", item);
                    }
                }
            }
        }
    }

    /** The API's name, which names its objects: the Service's among them, which must start with a letter (DNS-1035). */
    public void name(String name) {
        dnsLabel("name", name, "sentiment-api");
        check(name.isEmpty() || !Character.isDigit(name.charAt(0)), "name", "'" + name + "' starts with a digit; the Service named after it must start with a letter",
                example("name", "sentiment-api"));
    }

    /** A name that must be a DNS-1123 label, such as a namespace's. */
    public void dnsLabel(String path, String value, String good) {
        String lookAlike = value.chars().anyMatch(ch -> ch > 127) ? " (it has characters outside ASCII that look like letters)" : "";
        check(KubernetesNames.isDnsLabel(value), path, "'" + value + "' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)" + lookAlike,
                example(path, good));
    }

    /** How the kubelet pulls the image, and with which credentials. */
    public void imagePull(MlApiArgs args) {
        check(PULL_POLICIES.contains(args.image().pullPolicy()), "image.pullPolicy", "must be one of " + PULL_POLICIES, example("image.pullPolicy", "IfNotPresent"));
        List<String> secrets = args.image().pullSecrets();
        for (int i = 0; i < secrets.size(); i++) {
            check(KubernetesNames.isDnsSubdomain(secrets.get(i)), "image.pullSecrets[" + i + "]", "is not a Secret name", example("image.pullSecrets", "[registry-credentials]"));
        }
    }

    /** The container's variable names. */
    public void env(MlApiArgs args) {
        envNames("env", args.env());
    }

    /** The ConfigMap's files (with a mount path) or variables (without). */
    public void configMap(MlApiArgs args) {
        if (args.configMap().isEmpty()) {
            return;
        }
        ConfigFilesArgs files = args.configMap().get();
        check(!files.data().isEmpty(), "configMap.data", "is empty; give the files or variables to provide", example("configMap.data", "{labels.json: '[\"neg\",\"pos\"]'}"));
        if (files.mountPath().isPresent()) {
            check(files.mountPath().get().startsWith("/"), "configMap.mountPath", "must be an absolute path", example("configMap.mountPath", "/etc/mlapi"));
            files.data().forEach(file -> check(CONFIG_MAP_KEY.matcher(file.name()).matches(), "configMap.data." + file.name(),
                    "is not a ConfigMap key: up to 253 letters, digits and -._, no folders", example("configMap.data.labels.json", "'[\"neg\",\"pos\"]'")));
            files.data().forEach(file -> check(!file.name().startsWith(".."), "configMap.data." + file.name(),
                    "must not start with '..' (the kubelet keeps its own files there)", example("configMap.data.labels.json", "'[]'")));
        } else {
            envNames("configMap.data", files.data());
        }
    }

    private void envNames(String key, List<NamedValueArgs> variables) {
        variables.forEach(v -> check(isEnvName(v.name()), key + "." + v.name(), "is not a valid environment variable name", example(key + ".MODEL_NAME", "distilbert")));
    }

    /** A name the container's environment takes. */
    public static boolean isEnvName(String name) {
        return ENV_NAME.matcher(name).matches();
    }

    /**
     * What a consumer knows of where its secrets' values come from: the problems of entry
     * {@code index}'s source, reported in its place. The component's own ({@link #ownSources}):
     * exactly one source, and a sealed value that is one.
     */
    @FunctionalInterface
    public interface SecretSources {
        List<ArgsProblem> problems(int index, SecretArgs secret);
    }

    /** Each secret has one name, one target (a variable or a file) and one source, and reaches the container once. */
    public void secrets(MlApiArgs args, SecretSources sources) {
        Set<String> targets = new HashSet<>();
        args.env().forEach(e -> targets.add(e.name()));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < args.secrets().size(); i++) {
            SecretArgs s = args.secrets().get(i);
            String at = "secrets[" + i + "]";
            String env = s.env().orElse(null);
            String mountPath = s.mountPath().orElse(null);
            check(s.name() != null && KubernetesNames.isDnsSubdomain(s.name()), at + ".name", "'" + s.name() + "' is not a valid secret name", "name: model-registry-token");
            check(s.name() == null || names.add(s.name()), at + ".name", "'" + s.name() + "' is used twice", "name: model-registry-token-2");
            check((env == null) != (mountPath == null), at, "takes exactly one of env (a variable) or mountPath (a folder for a file)", "env: MODEL_REGISTRY_TOKEN");
            if (env != null) {
                check(isEnvName(env), at + ".env", "is not a valid environment variable name", "env: MODEL_REGISTRY_TOKEN");
                check(targets.add(env), at + ".env", env + " is set twice (here and in " + keys.apply("env") + " or another secret)", "env: MODEL_REGISTRY_TOKEN_2");
            }
            if (mountPath != null) {
                check(mountPath.startsWith("/"), at + ".mountPath", "must be an absolute path", "mountPath: /var/run/secrets/registry");
                check(targets.add(mountPath + "/" + s.name()), at + ".mountPath", "the file " + mountPath + "/" + s.name() + " is written twice",
                        "mountPath: /var/run/secrets/other");
            }
            problems.addAll(sources.problems(i, s));
            if (s.awsSecretsManager().isPresent()) {
                awsSecret(at + ".awsSecretsManager", s.awsSecretsManager().get().secretId());
                // The operator rotates the Secret in place; only a mounted file sees the new value without a restart.
                check(env == null, at + ".env", "an env var keeps the old value after AWS Secrets Manager rotates it, until the pods"
                        + " restart; read it from a file the operator keeps current", "mountPath: /var/run/secrets/" + s.name());
            }
        }
    }

    private void awsSecret(String at, String id) {
        if (id == null || id.isBlank()) {
            problem(at + ".secretId", "is required: the Secrets Manager name or ARN", "secretId: ml/sentiment/registry-token");
        } else if (id.startsWith("arn:")) {
            check(SECRET_ARN.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret ARN",
                    "secretId: arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/registry-token-AbCdEf");
        } else {
            check(SECRET_NAME.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret name", "secretId: ml/sentiment/registry-token");
        }
    }

    /** The component's own rules on a secret's source: exactly one, and a sealed value that is one. */
    private static List<ArgsProblem> ownSources(int index, SecretArgs s) {
        String at = "secrets[" + index + "]";
        long sources = Stream.of(s.value(), s.awsSecretsManager(), s.sealed()).filter(Optional::isPresent).count();
        if (sources != 1) {
            return List.of(new ArgsProblem(at, "takes exactly one source: value (a secret output), awsSecretsManager or sealed",
                    "awsSecretsManager: {secretId: ml/sentiment/registry-token}"));
        }
        String sealed = s.sealed().map(SealedArgs::encryptedData).orElse(null);
        if (s.sealed().isPresent() && !isSealedValue(sealed)) {
            return List.of(new ArgsProblem(at + ".sealed.encryptedData", "is not a sealed value; seal it with kubeseal --scope strict for the"
                    + " namespace and the Secret MlApi.sealedSecretName gives", "sealed: {encryptedData: AgBy3i4OJSWK+PiTySYZZA...}"));
        }
        return List.of();
    }

    /** A value sealed by kubeseal: base64 of its ciphertext. */
    public static boolean isSealedValue(String encryptedData) {
        return encryptedData != null && SEALED.matcher(encryptedData).matches();
    }

    /** A replica count the cluster takes. */
    public void replicaBounds(MlApiArgs args) {
        check(args.replicas() >= 0, "replicas", "must not be negative", example("replicas", "2"));
        check(args.replicas() <= MAX_REPLICAS, "replicas", args.replicas() + " is more than " + MAX_REPLICAS + " replicas", example("replicas", "3"));
    }

    /** Replicas enough for the connection test, and in production for a node's loss, when no autoscaler owns the count. */
    public void replicaNeeds(MlApiArgs args) {
        if (AppAutoscaler.enabled(args).isPresent()) {
            return;
        }
        if (args.replicas() == 0 && args.connectionTest().filter(ConnectionTestArgs::enabled).isPresent()) {
            problem("replicas", "0 replicas can never pass the connection test, so every up would fail;"
                    + " turn the test off while the API is scaled to zero", example("connectionTest.enabled", "false"));
        }
        if (args.environment().equals("production")) {
            check(args.replicas() >= 2, "replicas", "production needs at least 2 replicas to survive a node loss", example("replicas", "3"));
        }
    }

    /**
     * How the External Secrets Operator reaches AWS, when a secret comes from there.
     * @param roleArn the role's ARN when the consumer knows its value now; the component checks it once known
     */
    public void externalSecrets(MlApiArgs args, Optional<String> roleArn) {
        if (SecretRouting.fromAws(args).isEmpty()) {
            return;
        }
        if (args.externalSecrets().isEmpty()) {
            problem("externalSecrets", "is required when a secret comes from AWS Secrets Manager", example("externalSecrets.region", "eu-west-1"));
            return;
        }
        ExternalSecretsArgs es = args.externalSecrets().get();
        if ("ClusterSecretStore".equals(es.storeKind())) {
            check(es.clusterStoreName().filter(KubernetesNames::isDnsSubdomain).isPresent(), "externalSecrets.clusterStoreName",
                    "names the existing ClusterSecretStore to use", example("externalSecrets.clusterStoreName", "aws-secrets-manager"));
        } else {
            check("SecretStore".equals(es.storeKind()), "externalSecrets.storeKind", "must be SecretStore or ClusterSecretStore", example("externalSecrets.storeKind", "SecretStore"));
            check(es.region().filter(region -> REGION.matcher(region).matches()).isPresent(), "externalSecrets.region", "is required: the AWS region of the secrets",
                    example("externalSecrets.region", "eu-west-1"));
            if (es.manageAws().isPresent()) {
                ManagedAwsArgs managed = es.manageAws().get();
                String oidc = managed.oidcProviderArn();
                check(oidc != null && OIDC_PROVIDER_ARN.matcher(oidc).matches(), "externalSecrets.manageAws.oidcProviderArn",
                        oidc == null ? "is required: the cluster's IAM OIDC provider, which the role trusts" : "'" + oidc + "' is not an IAM OIDC provider ARN",
                        "oidcProviderArn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789");
                check(managed.kmsKeyArn().filter(kms -> !kms.matches("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[a-f0-9-]+$")).isEmpty(),
                        "externalSecrets.manageAws.kmsKeyArn", "is not a KMS key ARN", "kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
                check(es.roleArn().isEmpty(), "externalSecrets.roleArn", "is made by the stack when it manages AWS; leave it out",
                        "no " + keys.apply("externalSecrets.roleArn") + " beside manageAws");
                SecretRouting.fromAws(args).stream().filter(s -> s.awsSecretsManager().orElseThrow().secretId() != null
                        && s.awsSecretsManager().orElseThrow().secretId().startsWith("arn:")).forEach(s -> problem("secrets",
                        s.name() + " names an ARN, but a secret the stack creates is named, not an ARN", "secretId: ml/sentiment/db"));
            } else if (es.roleArn().isEmpty() || roleArn.isPresent()) {
                problems.addAll(roleArn(roleArn.orElse(null), keys));
            }
        }
        check(es.refreshInterval() != null && es.refreshInterval().matches("^(\\d+(s|m|h))+$"), "externalSecrets.refreshInterval", "is not a duration",
                example("externalSecrets.refreshInterval", "1h"));
    }

    /** The role the SecretStore's ServiceAccount assumes (IRSA): required without manageAws, and an IAM role ARN. */
    private static List<ArgsProblem> roleArn(String roleArn, UnaryOperator<String> keys) {
        MlApiArgsRules rules = new MlApiArgsRules(keys);
        rules.check(roleArn != null && ROLE_ARN.matcher(roleArn).matches(), "externalSecrets.roleArn",
                roleArn == null ? "is required: the IAM role the ServiceAccount assumes (IRSA) to read the secrets" : "'" + roleArn + "' is not an IAM role ARN",
                rules.example("externalSecrets.roleArn", "arn:aws:iam::123456789012:role/sentiment-api-secrets"));
        return rules.problems;
    }

    /** The role's ARN of the args, failing the component when its value is not an IAM role ARN. */
    static Output<String> checkedRoleArn(String name, MlApiArgs args) {
        return args.externalSecrets().flatMap(ExternalSecretsArgs::roleArn).orElseThrow().applyValue(arn -> {
            List<ArgsProblem> problems = roleArn(arn, UnaryOperator.identity());
            if (!problems.isEmpty()) {
                throw new InvalidArgsException(name, problems);
            }
            return arn;
        });
    }

    /**
     * What each replica reserves and may use: amounts above 0, limits not below requests, room for
     * /tmp and the model cache; in production a memory limit reserved whole; GPU nodes for a GPU.
     * @param memoryRequestFollowsLimit the memory request is the limit, set by the consumer: checked as the limit
     */
    public void resources(MlApiArgs args, boolean memoryRequestFollowsLimit) {
        ResourcesArgs r = args.resources();
        boolean production = "production".equals(args.environment());
        Optional<QuantitiesArgs> requests = r.requests();
        Optional<QuantitiesArgs> limits = r.limits();
        Optional<BigDecimal> cpuRequest = amount("resources.requests.cpu", requests.flatMap(QuantitiesArgs::cpu), "500m");
        Optional<BigDecimal> memoryRequest = memoryRequestFollowsLimit ? Optional.empty()
                : amount("resources.requests.memory", requests.flatMap(QuantitiesArgs::memory), "1Gi");
        Optional<BigDecimal> cpuLimit = amount("resources.limits.cpu", limits.flatMap(QuantitiesArgs::cpu), "2");
        Optional<BigDecimal> memoryLimit = amount("resources.limits.memory", limits.flatMap(QuantitiesArgs::memory), "2Gi");
        Optional<BigDecimal> storageRequest = amount("resources.requests.ephemeralStorage", requests.flatMap(QuantitiesArgs::ephemeralStorage), "1Gi");
        Optional<BigDecimal> storageLimit = amount("resources.limits.ephemeralStorage", limits.flatMap(QuantitiesArgs::ephemeralStorage), "4Gi");
        limitNotBelowRequest("ephemeralStorage", storageRequest, storageLimit, "4Gi");
        BigDecimal gi = Quantity.parse("1Gi").orElseThrow();
        BigDecimal scratch = gi.add(args.modelCache().flatMap(ModelCacheArgs::sizeLimit).flatMap(Quantity::parse).orElse(BigDecimal.ZERO));
        if (storageLimit.isPresent() && storageLimit.get().compareTo(scratch) < 0) {
            problem("resources.limits.ephemeralStorage", "is below /tmp (1Gi) plus the model cache's sizeLimit; the pod would be evicted as the cache fills",
                    example("resources.limits.ephemeralStorage", scratch.divide(gi, 0, RoundingMode.UP).add(BigDecimal.ONE) + "Gi"));
        }
        limitNotBelowRequest("cpu", cpuRequest, cpuLimit, "2");
        if (!production) {
            limitNotBelowRequest("memory", memoryRequest, memoryLimit, "2Gi");
        } else if (memoryRequest.isPresent() && memoryLimit.isPresent() && memoryRequest.get().compareTo(memoryLimit.get()) != 0) {
            // Guaranteed memory: the request reserves what the model really uses, and under node
            // memory pressure the kernel and the kubelet pick burstable pods first.
            String limit = limits.get().memory().get();
            problem("resources.requests.memory", "(" + requests.get().memory().get() + ") differs from resources.limits.memory (" + limit
                    + "); production reserves the whole limit, so a model server under node memory pressure is not OOM-killed ahead of others;"
                    + " leave the request out (it follows the limit) or make it equal", example("resources.requests.memory", limit));
        }
        if (production) {
            check(limits.flatMap(QuantitiesArgs::memory).isPresent(), "resources.limits.memory",
                    "production needs a memory limit so one replica cannot starve its node", example("resources.limits.memory", "4Gi"));
        }
        r.gpu().ifPresent(gpu -> {
            check(gpu >= 0, "resources.gpu", "must not be negative", example("resources.gpu", "1"));
            if (gpu > 0) {
                SchedulingArgs s = args.scheduling().orElseGet(() -> SchedulingArgs.builder().build());
                check(!s.gpuTolerations().isEmpty() || !s.gpuNodeSelector().isEmpty(), "scheduling.gpuNodeSelector",
                        "a GPU is requested but nothing steers the pod to GPU nodes", example("scheduling.gpuNodeSelector", "{nvidia.com/gpu.present: \"true\"}"));
            }
        });
    }

    private Optional<BigDecimal> quantity(String key, String text, String good) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<BigDecimal> value = Quantity.parse(text);
        check(value.isPresent(), key, "'" + text + "' is not a Kubernetes quantity", example(key, good));
        return value;
    }

    /** A request or limit: a quantity above 0 (a zero limit is none, a zero request reserves nothing). */
    private Optional<BigDecimal> amount(String key, Optional<String> stated, String good) {
        String text = stated.orElse(null);
        boolean negative = text != null && text.startsWith("-") && Quantity.parse(text.substring(1)).isPresent();
        Optional<BigDecimal> value = negative ? Quantity.parse(text.substring(1)).map(BigDecimal::negate) : quantity(key, text, good);
        if (value.isPresent() && value.get().signum() <= 0) {
            problem(key, "'" + text + "' must be more than 0: " + (negative ? "the API server refuses a negative amount"
                    : key.contains(".limits.") ? "Kubernetes reads a zero limit as no limit" : "a zero request reserves nothing"), example(key, good));
            return Optional.empty();
        }
        return value;
    }

    private void limitNotBelowRequest(String resource, Optional<BigDecimal> request, Optional<BigDecimal> limit, String good) {
        if (request.isPresent() && limit.isPresent() && limit.get().compareTo(request.get()) < 0) {
            problem("resources.limits." + resource, "is below the request; a limit must be at least the request", example("resources.limits." + resource, good));
        }
    }

    /** The container's port and the Service's. */
    public void ports(MlApiArgs args) {
        port("port", args.port(), example("port", "8080"));
        // The restricted profile drops every capability, NET_BIND_SERVICE too.
        Integer port = args.port();
        if (port != null && port >= 1 && port < FIRST_UNPRIVILEGED_PORT) {
            problem("port", port + " is below " + FIRST_UNPRIVILEGED_PORT + ": the API runs as a non-root user without capabilities"
                    + " (restricted profile), which cannot bind it; the Service still listens on service.port", example("port", "8080"));
        }
        check(SERVICE_TYPES.contains(args.service().type()), "service.type", "must be one of " + SERVICE_TYPES, example("service.type", "ClusterIP"));
        port("service.port", args.service().port(), example("service.port", "80"));
    }

    public void probes(ProbesArgs p) {
        for (Map.Entry<String, String> path : Map.of("livenessPath", p.livenessPath(), "readinessPath", p.readinessPath(), "startupPath", p.startupPath()).entrySet()) {
            check(path.getValue() != null && path.getValue().startsWith("/"), "probes." + path.getKey(), "must be an HTTP path starting with /",
                    example("probes." + path.getKey(), "/healthz"));
        }
        positive("probes.periodSeconds", p.periodSeconds(), example("probes.periodSeconds", "10"));
        positive("probes.timeoutSeconds", p.timeoutSeconds(), example("probes.timeoutSeconds", "5"));
        positive("probes.failureThreshold", p.failureThreshold(), example("probes.failureThreshold", "3"));
        positive("probes.modelLoadTimeoutSeconds", p.modelLoadTimeoutSeconds(), example("probes.modelLoadTimeoutSeconds", "600"));
        check(p.modelLoadTimeoutSeconds() <= MAX_MODEL_LOAD_SECONDS, "probes.modelLoadTimeoutSeconds",
                "is more than " + MAX_MODEL_LOAD_SECONDS / 3600 + " hours; a rollout would wait that long for a stuck pod", example("probes.modelLoadTimeoutSeconds", "900"));
        if (p.timeoutSeconds() > 0 && p.periodSeconds() > 0) {
            check(p.timeoutSeconds() <= p.periodSeconds(), "probes.timeoutSeconds", "is longer than probes.periodSeconds, so probes would overlap",
                    example("probes.timeoutSeconds", "5"));
        }
    }

    public void shutdown(ShutdownArgs s) {
        check(s.drainSeconds() != null && s.drainSeconds() >= 0 && s.drainSeconds() <= MAX_DRAIN_SECONDS, "shutdown.drainSeconds",
                "must be 0 to " + MAX_DRAIN_SECONDS + " seconds", example("shutdown.drainSeconds", "10"));
        positive("shutdown.gracePeriodSeconds", s.gracePeriodSeconds(), example("shutdown.gracePeriodSeconds", "45"));
        if (s.drainSeconds() != null && s.gracePeriodSeconds() != null) {
            check(s.gracePeriodSeconds() > s.drainSeconds(), "shutdown.gracePeriodSeconds",
                    "must be longer than shutdown.drainSeconds (" + s.drainSeconds() + "), or the pod is killed before the server can finish its requests",
                    example("shutdown.gracePeriodSeconds", Integer.toString(s.drainSeconds() + 30)));
        }
    }

    /** The autoscaler's bounds and targets, and the requests it measures use against. */
    public void autoscaling(MlApiArgs args) {
        Optional<AutoscalingArgs> enabled = AppAutoscaler.enabled(args);
        if (enabled.isEmpty()) {
            return;
        }
        AutoscalingArgs a = enabled.get();
        check(a.minReplicas() >= 1, "autoscaling.minReplicas", "must be at least 1", example("autoscaling.minReplicas", "2"));
        check(a.maxReplicas() <= MAX_REPLICAS, "autoscaling.maxReplicas", a.maxReplicas() + " is more than " + MAX_REPLICAS + " replicas",
                example("autoscaling.maxReplicas", "12"));
        check(a.maxReplicas() >= a.minReplicas(), "autoscaling.maxReplicas", "(" + a.maxReplicas() + ") is below autoscaling.minReplicas ("
                + a.minReplicas() + ")", example("autoscaling.maxReplicas", Integer.toString(Math.max(a.minReplicas(), 2) * 2)));
        check(a.targetCpuUtilization().isPresent() || a.targetMemoryUtilization().isPresent(), "autoscaling.targetCpuUtilization",
                "autoscaling needs a target to scale on", example("autoscaling.targetCpuUtilization", "70"));
        percent("autoscaling.targetCpuUtilization", a.targetCpuUtilization());
        percent("autoscaling.targetMemoryUtilization", a.targetMemoryUtilization());
    }

    /** The autoscaler measures use as a share of the request; without one it cannot scale. */
    public void autoscalingRequests(MlApiArgs args) {
        if (AppAutoscaler.enabled(args).isEmpty()) {
            return;
        }
        AutoscalingArgs a = AppAutoscaler.enabled(args).get();
        Optional<QuantitiesArgs> requests = args.resources().requests();
        if (a.targetCpuUtilization().isPresent()) {
            check(requests.flatMap(QuantitiesArgs::cpu).isPresent(), "resources.requests.cpu", "is required with autoscaling.targetCpuUtilization:"
                    + " the autoscaler measures CPU use as a share of the request", example("resources.requests.cpu", "500m"));
        }
        if (a.targetMemoryUtilization().isPresent()) {
            check(requests.flatMap(QuantitiesArgs::memory).isPresent(), "resources.requests.memory", "is required with autoscaling.targetMemoryUtilization:"
                    + " the autoscaler measures memory use as a share of the request", example("resources.requests.memory", "1Gi"));
        }
    }

    /** The pods' annotation keys and labels. */
    public void metadata(MlApiArgs args) {
        annotations("podAnnotations", args.podAnnotations());
        labels("podLabels", args.podLabels());
    }

    public void scheduling(MlApiArgs args) {
        if (args.scheduling().isEmpty()) {
            return;
        }
        SchedulingArgs s = args.scheduling().get();
        labels("scheduling.nodeSelector", s.nodeSelector());
        labels("scheduling.gpuNodeSelector", s.gpuNodeSelector());
        tolerations("scheduling.tolerations", s.tolerations());
        tolerations("scheduling.gpuTolerations", s.gpuTolerations());
        for (int i = 0; i < s.requiredNodeAffinity().size(); i++) {
            NodeRequirementArgs r = s.requiredNodeAffinity().get(i);
            String key = "scheduling.requiredNodeAffinity[" + i + "]";
            List<String> values = r.values().orElse(List.of());
            check(KubernetesNames.isQualifiedName(r.key()), key + ".key", "is not a valid label key", "key: node.kubernetes.io/instance-type");
            check(NODE_OPERATORS.contains(r.operator()), key + ".operator", "must be one of " + NODE_OPERATORS, "operator: In");
            boolean needsValues = r.operator() != null && !r.operator().equals("Exists") && !r.operator().equals("DoesNotExist");
            check(!needsValues || !values.isEmpty(), key + ".values", "operator " + r.operator() + " needs values", "values: [g5.xlarge]");
            if ("Gt".equals(r.operator()) || "Lt".equals(r.operator())) {
                check(r.values().isEmpty() || values.size() == 1 && values.get(0).matches("^-?\\d+$"), key + ".values",
                        "operator " + r.operator() + " compares with one whole number", "values: [\"2\"]");
            }
            check(needsValues || r.operator() == null || values.isEmpty(), key + ".values",
                    "must be left out with operator " + r.operator() + ", which only asks whether the label is there", "{key: " + r.key() + ", operator: " + r.operator() + "}");
        }
    }

    private void tolerations(String key, List<TolerationArgs> tolerations) {
        for (int i = 0; i < tolerations.size(); i++) {
            TolerationArgs t = tolerations.get(i);
            String at = key + "[" + i + "]";
            String operator = t.operator().orElse("Equal");
            String effect = t.effect().orElse(null);
            String value = t.value().orElse(null);
            String taint = t.key().orElse(null);
            check(TOLERATION_OPERATORS.contains(operator), at + ".operator", "must be Exists or Equal", "operator: Exists");
            check(effect == null || TAINT_EFFECTS.contains(effect), at + ".effect", "must be one of " + TAINT_EFFECTS, "effect: NoSchedule");
            check(t.tolerationSeconds().isEmpty() || "NoExecute".equals(effect), at + ".effect",
                    "must be NoExecute when tolerationSeconds is set; the API server refuses any other", "effect: NoExecute");
            check(!operator.equals("Exists") || value == null, at + ".value", "must be empty when the operator is Exists", "operator: Equal");
            check(taint != null || operator.equals("Exists"), at + ".key", "is required unless the operator is Exists", "key: nvidia.com/gpu");
            check(taint == null || KubernetesNames.isQualifiedName(taint), at + ".key", "'" + taint + "' is not a valid taint key", "key: nvidia.com/gpu");
            check(value == null || KubernetesNames.isLabelValue(value), at + ".value",
                    "'" + value + "' is not a valid taint value (63 characters of letters, digits, -_.)", "value: ml");
        }
    }

    /** The annotation keys of the pods' ServiceAccount. */
    public void serviceAccount(MlApiArgs args) {
        annotations("serviceAccount.annotations", args.serviceAccount().annotations());
    }

    public void ingress(MlApiArgs args) {
        var enabled = args.ingress().filter(in -> in.enabled());
        if (enabled.isEmpty()) {
            return;
        }
        var in = enabled.get();
        String host = in.host().orElse(null);
        check(host != null && isIngressHost(host), "ingress.host",
                host == null ? "is required when the ingress is enabled" : "'" + host + "' is not a DNS host name", example("ingress.host", "sentiment.ml.example.com"));
        check(in.path() != null && PLAIN_PATH.matcher(in.path()).matches(), "ingress.path", "'" + in.path() + "' is not a plain path: the Ingress matches"
                + " it as a prefix (pathType Prefix), never as a regex; a / then letters, digits and -._~/", example("ingress.path", "/v1"));
        in.className().ifPresent(name -> check(KubernetesNames.isDnsSubdomain(name), "ingress.className", "is not an IngressClass name",
                example("ingress.className", "nginx")));
        in.tlsSecret().ifPresent(secret -> check(KubernetesNames.isDnsSubdomain(secret), "ingress.tlsSecret", "is not a Secret name",
                example("ingress.tlsSecret", "sentiment-tls")));
        annotations("ingress.annotations", in.annotations());
    }

    /** A DNS name, or one whose first label is a wildcard (the only place Kubernetes takes one). */
    private static boolean isIngressHost(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return host.length() <= 253 && KubernetesNames.isDnsSubdomain(name);
    }

    public void networkPolicy(MlApiArgs args) {
        if (args.networkPolicy().isEmpty()) {
            return;
        }
        var policy = args.networkPolicy().get();
        List<String> from = policy.allowFromNamespaces();
        for (int i = 0; i < from.size(); i++) {
            check(KubernetesNames.isDnsLabel(from.get(i)), "networkPolicy.allowFromNamespaces[" + i + "]", "is not a namespace name",
                    example("networkPolicy.allowFromNamespaces", "[ingress-nginx]"));
        }
        boolean ingress = args.ingress().filter(in -> in.enabled()).isPresent();
        if (policy.enabled() && ingress) {
            check(!from.isEmpty(), "networkPolicy.allowFromNamespaces", "lets no ingress controller in, so the ingress could not reach the API;"
                    + " name the controller's namespace", example("networkPolicy.allowFromNamespaces", "[ingress-nginx]"));
        }
        // Outside traffic reaches the pods from node or client addresses, which no namespace selector admits.
        String type = args.service().type();
        if (policy.enabled() && List.of("LoadBalancer", "NodePort").contains(type)) {
            problem("service.type", type + " takes traffic from outside the cluster, which the NetworkPolicy drops"
                    + " (it lets in only the namespace itself and networkPolicy.allowFromNamespaces); use ClusterIP behind the ingress,"
                    + " or turn the policy off", example("service.type", "ClusterIP"));
        }
    }

    public void modelCache(MlApiArgs args) {
        if (args.modelCache().isEmpty()) {
            return;
        }
        ModelCacheArgs cache = args.modelCache().get();
        String sizeLimit = cache.sizeLimit().orElse(null);
        String claim = cache.existingClaim().orElse(null);
        check(cache.mountPath() != null && cache.mountPath().startsWith("/"), "modelCache.mountPath", "must be an absolute path", example("modelCache.mountPath", "/models"));
        check((sizeLimit == null) != (claim == null), "modelCache",
                "takes exactly one of sizeLimit (a node-local emptyDir) or existingClaim (a PersistentVolumeClaim)", example("modelCache.sizeLimit", "10Gi"));
        quantity("modelCache.sizeLimit", sizeLimit, "10Gi");
        if (claim != null) {
            check(KubernetesNames.isDnsSubdomain(claim), "modelCache.existingClaim", "is not a claim name", example("modelCache.existingClaim", "model-weights"));
            check(!args.namespace().create(), "modelCache.existingClaim", "needs a namespace that outlives the stack: the claim must exist before the first up,"
                    + " and a namespace the stack creates is deleted, weights and all, by destroy or a rename",
                    keys.apply("namespace") + ": {name: " + args.namespace().name().orElse(null) + ", create: false}");
        }
        check(!cache.readOnly().orElse(false) || claim != null, "modelCache.readOnly", "needs existingClaim: a read-only emptyDir would stay empty",
                example("modelCache.existingClaim", "model-weights"));
    }

    /** Each folder the container gets is mounted once: /tmp, the config files, the model cache, the secret files. */
    public void mountPaths(MlApiArgs args) {
        Map<String, String> taken = new HashMap<>(Map.of("/tmp", "the writable /tmp"));
        BiConsumer<String, String> mount = (key, path) -> {
            // Secret files of one folder share one mount.
            String owner = keys.apply(key.startsWith("secrets[") ? "secrets" : key);
            String other = path == null ? null : taken.putIfAbsent(path, owner);
            check(other == null || other.equals(owner), key, path + " is already the mount of " + other + "; give it a folder of its own",
                    example(key, "/models"));
        };
        mount.accept("modelCache.mountPath", args.modelCache().map(ModelCacheArgs::mountPath).orElse(null));
        mount.accept("configMap.mountPath", args.configMap().flatMap(files -> files.mountPath()).orElse(null));
        for (int i = 0; i < args.secrets().size(); i++) {
            mount.accept("secrets[" + i + "].mountPath", args.secrets().get(i).mountPath().orElse(null));
        }
    }

    /** The test's wait and path, and its image pinned by digest (ttlSecondsAfterFinished is the stack file's). */
    public void connectionTest(MlApiArgs args) {
        if (args.connectionTest().isEmpty()) {
            return;
        }
        ConnectionTestArgs t = args.connectionTest().get();
        Integer timeout = t.timeoutSeconds();
        check(timeout != null && timeout >= MIN_CONNECTION_TEST_SECONDS && timeout <= MAX_CONNECTION_TEST_SECONDS, "connectionTest.timeoutSeconds",
                timeout + " is not " + MIN_CONNECTION_TEST_SECONDS + " to " + MAX_CONNECTION_TEST_SECONDS + " seconds: the test waits that long for the Service"
                        + " to answer 200; less can fail while its endpoints settle, more keeps a failed deployment waiting",
                example("connectionTest.timeoutSeconds", "120"));
        t.path().ifPresent(path -> check(path.startsWith("/"), "connectionTest.path", "must be an HTTP path starting with /",
                example("connectionTest.path", "/selftest")));
    }

    /** The test program's image: a repository pinned by digest. */
    public void connectionTestImage(MlApiArgs args) {
        if (args.connectionTest().isEmpty()) {
            return;
        }
        String image = args.connectionTest().get().image() == null ? "" : args.connectionTest().get().image();
        int at = image.indexOf('@');
        check(at > 0 && REPOSITORY.matcher(image.substring(0, at)).matches() && DIGEST.matcher(image.substring(at + 1)).matches(), "connectionTest.image",
                "'" + image + "' is not pinned by digest (repository@sha256: and 64 lower-case hex digits); ./mlapi image connection-test <repository>"
                        + " publishes the project's build and prints its reference",
                example("connectionTest.image", "ghcr.io/acme/mlapi-connection-test@sha256:" + "0123456789abcdef".repeat(4)));
    }

    public void securityContext(SecurityContextArgs sc) {
        check(sc.runAsUser() != null && sc.runAsUser() > 0, "securityContext.runAsUser", "must be a non-root user id", example("securityContext.runAsUser", "10001"));
        check(sc.runAsGroup() != null && sc.runAsGroup() > 0, "securityContext.runAsGroup", "must be a non-root group id", example("securityContext.runAsGroup", "10001"));
        check(sc.fsGroup() != null && sc.fsGroup() > 0, "securityContext.fsGroup", "must be a non-root group id", example("securityContext.fsGroup", "10001"));
    }

    /**
     * The image reference, once its value is known (it may come from another resource): the
     * component fails with these problems when there are any. Staging and production run only
     * references that cannot change: a digest, or an immutable version tag.
     */
    public static List<ArgsProblem> imageReference(String environment, String reference) {
        MlApiArgsRules rules = new MlApiArgsRules(UnaryOperator.identity());
        int at = reference.indexOf('@');
        int colon = reference.lastIndexOf(':');
        boolean tagged = at < 0 && colon > reference.lastIndexOf('/');
        String repository = at >= 0 ? reference.substring(0, at) : tagged ? reference.substring(0, colon) : reference;
        String example = rules.example("image.reference", "ghcr.io/acme/sentiment-api@" + DIGEST_EXAMPLE);
        rules.check(isRepository(repository) && (at < 0 || isDigest(reference.substring(at + 1))) && (!tagged || isTag(reference.substring(colon + 1))),
                "image.reference", "'" + reference + "' is not an image reference: a repository (lower-case path), then :tag or @sha256: and 64 lower-case hex digits",
                example);
        if (rules.problems.isEmpty() && !environment.equals("dev") && at < 0 && !(tagged && isImmutableTag(reference.substring(colon + 1)))) {
            rules.problem("image.reference", "'" + reference + "' can point at a different image tomorrow; " + environment
                    + " needs a digest or an immutable version tag", example + " or ghcr.io/acme/sentiment-api:1.4.2");
        }
        return rules.problems();
    }

    /** The image reference of the args, failing the component when its value breaks {@link #imageReference}. */
    static Output<String> checkedImage(String name, MlApiArgs args) {
        return args.image().reference().applyValue(reference -> {
            List<ArgsProblem> problems = imageReference(args.environment(), reference);
            if (!problems.isEmpty()) {
                throw new InvalidArgsException(name, problems);
            }
            return reference;
        });
    }

    /** A tag as the distribution spec writes it. */
    public static boolean isTag(String tag) {
        return TAG.matcher(tag).matches();
    }

    /** A tag that names one build forever: a semantic version, or a commit id. */
    public static boolean isImmutableTag(String tag) {
        return IMMUTABLE_TAG.matcher(tag).matches();
    }

    /** An image repository as the distribution spec writes it, without tag or digest. */
    public static boolean isRepository(String repository) {
        return REPOSITORY.matcher(repository).matches();
    }

    /** A sha256 digest: sha256: and 64 lower-case hex digits. */
    public static boolean isDigest(String digest) {
        return DIGEST.matcher(digest).matches();
    }

    private void annotations(String key, List<NamedValueArgs> entries) {
        entries.forEach(e -> check(KubernetesNames.isQualifiedName(e.name()), key + "." + e.name(), "is not a valid annotation key",
                example(key + ".team/owner", "ml-platform")));
    }

    private void labels(String key, List<LabelArgs> entries) {
        entries.forEach(e -> {
            check(KubernetesNames.isQualifiedName(e.name()), key + "." + e.name(), "is not a valid label key", example(key + ".team/owner", "ml-platform"));
            check(KubernetesNames.isLabelValue(e.value()), key + "." + e.name(), "'" + e.value() + "' is not a valid label value (63 characters of letters, digits, -_.)",
                    example(key + "." + e.name(), "ml-platform"));
        });
    }

    private void port(String key, Integer port, String example) {
        check(port != null && port >= 1 && port <= 65535, key, port + " is not a port (1-65535)", example);
    }

    private void positive(String key, Integer value, String example) {
        check(value != null && value > 0, key, "must be a positive number of seconds or times", example);
    }

    private void percent(String key, Optional<Integer> value) {
        value.ifPresent(v -> check(v >= 1 && v <= 100, key, "must be a percentage from 1 to 100", example(key, "70")));
    }

    private String example(String path, String value) {
        return keys.apply(path) + ": " + value;
    }

    private void check(boolean ok, String path, String problem, String example) {
        if (!ok) {
            problem(path, problem, example);
        }
    }

    private void problem(String path, String problem, String example) {
        problems.add(new ArgsProblem(path, problem, example));
    }
}
