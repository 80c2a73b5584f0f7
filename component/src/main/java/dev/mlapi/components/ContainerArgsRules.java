package dev.mlapi.components;

import dev.mlapi.components.inputs.ConfigFilesArgs;
import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import dev.mlapi.components.inputs.SecurityContextArgs;
import dev.mlapi.components.inputs.ShutdownArgs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The rules of the API's container: its image pull, resources, ports, probes, stop, variables, files, ids and mounts. */
public final class ContainerArgsRules extends ArgsRules {
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");
    private static final int MAX_MODEL_LOAD_SECONDS = 2 * 3600;
    private static final int MAX_DRAIN_SECONDS = 300;
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");

    ContainerArgsRules(UnaryOperator<String> keys, List<ArgsProblem> problems) {
        super(keys, problems);
    }

    /** How the kubelet pulls the image, and with which credentials. */
    public void imagePull(MlApiArgs args) {
        check(PULL_POLICIES.contains(args.image().pullPolicy()), "image.pullPolicy", "must be one of " + PULL_POLICIES, example("image.pullPolicy", "IfNotPresent"));
        List<String> secrets = args.image().pullSecrets();
        for (int i = 0; i < secrets.size(); i++) {
            check(KubernetesNames.isDnsSubdomain(secrets.get(i)), "image.pullSecrets[" + i + "]", "is not a Secret name", example("image.pullSecrets", "[registry-credentials]"));
        }
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
        p.startupPeriodSeconds().ifPresent(s -> positive("probes.startupPeriodSeconds", s, example("probes.startupPeriodSeconds", "1")));
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

    public void securityContext(SecurityContextArgs sc) {
        check(sc.runAsUser() != null && sc.runAsUser() > 0, "securityContext.runAsUser", "must be a non-root user id", example("securityContext.runAsUser", "10001"));
        check(sc.runAsGroup() != null && sc.runAsGroup() > 0, "securityContext.runAsGroup", "must be a non-root group id", example("securityContext.runAsGroup", "10001"));
        check(sc.fsGroup() != null && sc.fsGroup() > 0, "securityContext.fsGroup", "must be a non-root group id", example("securityContext.fsGroup", "10001"));
    }

    private void port(String key, Integer port, String example) {
        check(port != null && port >= 1 && port <= 65535, key, port + " is not a port (1-65535)", example);
    }

    private void positive(String key, Integer value, String example) {
        check(value != null && value > 0, key, "must be a positive number of seconds or times", example);
    }
}
