package dev.mlapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a bound config must meet; each broken rule becomes one {@link ConfigProblem}. */
final class ConfigValidator {
    // The reference grammar of the distribution spec, without the optional tag and digest.
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    /** Tags that name one build forever: a semantic version, or a commit id. */
    private static final Pattern IMMUTABLE_TAG = Pattern.compile("^v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$|^(?:[a-z0-9.-]+-)?[0-9a-f]{7,40}$");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern INT_OR_PERCENT = Pattern.compile("^(\\d+)(%?)$");
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    /**
     * A plain prefix: no regex characters, and none of the empty or dot segments the API server
     * refuses. Each segment ends at a / or the end, so a long mismatch fails in linear time.
     */
    private static final Pattern PLAIN_PATH = Pattern.compile("^/(?:(?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+(?:/|$))*$");
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");
    private static final List<String> TOLERATION_OPERATORS = List.of("Exists", "Equal");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> NODE_OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
    private static final String DIGEST_EXAMPLE = "mlapi:image.digest: sha256:" + "0123456789abcdef".repeat(4);

    private static final int MAX_REPLICAS = 1000;
    private static final int MAX_MODEL_LOAD_SECONDS = 2 * 3600;
    private static final int MAX_DRAIN_SECONDS = 300;
    // The connection test runs against a Deployment already ready: its Service's endpoints settle in seconds.
    private static final int MIN_CONNECTION_TEST_SECONDS = 30;
    private static final int MAX_CONNECTION_TEST_SECONDS = 900;

    private static final Pattern SECRET_ARN = Pattern.compile("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$");
    private static final Pattern SEALED = Pattern.compile("^[A-Za-z0-9+/]{64,}={0,2}$");
    private static final Pattern SECRET_NAME = Pattern.compile("^[A-Za-z0-9/_+=.@-]{1,512}$");
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$");
    private static final Pattern OIDC_PROVIDER_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:oidc-provider/[A-Za-z0-9./_-]+$");
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-gov)?-[a-z]+-\\d$");

    private final String stack;
    private final JsonNode stated;
    private final Set<String> keys;
    private final Set<String> encryptedKeys;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigValidator(String stack, JsonNode stated, Set<String> keys, Set<String> encryptedKeys) {
        this.stack = stack;
        this.stated = stated;
        this.keys = keys;
        this.encryptedKeys = encryptedKeys;
    }

    List<ConfigProblem> validate(MlApiConfig c) {
        check(c.name() != null && !c.name().isBlank(), "name", "is required: the name of your ML API, used for every object", "mlapi:name: sentiment-api");
        if (c.name() != null && !c.name().isBlank()) {
            dnsLabel("name", c.name(), "sentiment-api");
            // The Service takes the name, and Service names must start with a letter (DNS-1035).
            check(!Character.isDigit(c.name().charAt(0)), "name", "'" + c.name() + "' starts with a digit; the Service named after it must start with a letter",
                    "mlapi:name: sentiment-api");
            check(stated.path("namespace").has("name") || !KubernetesNames.isDnsLabel(c.name()) || c.namespace().name().length() <= KubernetesNames.MAX_LABEL,
                    "name", "is too long for the namespace named after it, " + c.namespace().name() + " (at most 63 characters)",
                    "mlapi:name: sentiment-api or mlapi:namespace.name: sentiment-" + stack);
        }
        namespace(c.namespace());
        image(c.environment(), c.image());
        replicas(c);
        resources(c.environment(), c.resources(), c.scheduling(), c.modelCache());
        port("port", c.port(), "mlapi:port: 8080");
        unprivilegedPort(c.port());
        service(c.service());
        probes(c.probes());
        shutdown(c.shutdown());
        envVars("env", c.env());
        plainCredentials(c.env(), c.secrets());
        secrets(c);
        externalSecrets(c);
        configFiles(c.configMap());
        autoscaling(c.autoscaling());
        autoscalingRequests(c.autoscaling(), c.resources());
        disruptionBudget(c);
        metadata("podAnnotations", c.podAnnotations(), false);
        metadata("podLabels", c.podLabels(), true);
        scheduling(c.scheduling());
        serviceAccount(c.serviceAccount());
        ingress(c.ingress());
        networkPolicy(c);
        modelCache(c.modelCache(), c.namespace());
        mountPaths(c);
        connectionTest(c.connectionTest());
        securityContext(c.securityContext());
        return problems;
    }

    private void connectionTest(MlApiConfig.ConnectionTest t) {
        Integer timeout = t.timeoutSeconds();
        check(timeout != null && timeout >= MIN_CONNECTION_TEST_SECONDS && timeout <= MAX_CONNECTION_TEST_SECONDS, "connectionTest.timeoutSeconds",
                timeout + " is not " + MIN_CONNECTION_TEST_SECONDS + " to " + MAX_CONNECTION_TEST_SECONDS + " seconds: the test waits that long for the Service"
                        + " to answer 200; less can fail while its endpoints settle, more keeps a failed deployment waiting",
                "mlapi:connectionTest.timeoutSeconds: 120");
        if (t.path() != null) {
            check(t.path().startsWith("/"), "connectionTest.path", "must be an HTTP path starting with /", "mlapi:connectionTest.path: /selftest");
        }
        check(t.ttlSecondsAfterFinished() == null, "connectionTest.ttlSecondsAfterFinished", "is no longer a setting: a Job deleted by its TTL is planned"
                + " again by every preview --refresh --expect-no-changes, a false drift; the finished Job now stays, with its pod's log, until the next"
                + " change replaces it. Remove this line", "mlapi:connectionTest: {path: /selftest}");
        String image = t.image() == null ? "" : t.image();
        int at = image.indexOf('@');
        check(at > 0 && REPOSITORY.matcher(image.substring(0, at)).matches() && DIGEST.matcher(image.substring(at + 1)).matches(), "connectionTest.image",
                "'" + image + "' is not pinned by digest (repository@sha256: and 64 lower-case hex digits); ./mlapi image connection-test <repository>"
                        + " publishes the project's build and prints its reference",
                "mlapi:connectionTest.image: ghcr.io/acme/mlapi-connection-test@" + DIGEST_EXAMPLE.substring(DIGEST_EXAMPLE.indexOf("sha256:")));
    }

    private void namespace(MlApiConfig.Namespace ns) {
        // A name derived from the app's name is only as good as that name, which is checked already.
        if (ns.name() == null || !stated.path("namespace").has("name")) {
            return;
        }
        dnsLabel("namespace.name", ns.name(), "sentiment-api-" + stack);
        check(!KubernetesNames.SYSTEM_NAMESPACES.contains(ns.name()), "namespace.name",
                "'" + ns.name() + "' is a system namespace; the ML API gets a namespace of its own", "mlapi:namespace.name: sentiment-api-" + stack);
    }

    private void image(Environment env, MlApiConfig.Image image) {
        if (image == null || image.repository() == null || image.repository().isBlank()) {
            problems.add(problem("image.repository", "is required: the container image of your ML API", "mlapi:image.repository: ghcr.io/acme/sentiment-api"));
            return;
        }
        check(REPOSITORY.matcher(image.repository()).matches(), "image.repository",
                "'" + image.repository() + "' is not an image repository (no tag or digest here, lower-case path)", "mlapi:image.repository: ghcr.io/acme/sentiment-api");
        if (image.tag() == null && image.digest() == null) {
            problems.add(problem("image.tag", "an image needs a tag or a digest", "mlapi:image.tag: \"1.4.2\""));
        }
        if (image.tag() != null) {
            check(TAG.matcher(image.tag()).matches(), "image.tag", "'" + image.tag() + "' is not a valid image tag", "mlapi:image.tag: \"1.4.2\"");
        }
        if (image.digest() != null) {
            check(DIGEST.matcher(image.digest()).matches(), "image.digest",
                    "'" + image.digest() + "' is not a sha256 digest (sha256: and 64 lower-case hex digits)", DIGEST_EXAMPLE);
        }
        if (env.requiresImmutableImage() && image.digest() == null && image.tag() != null && !IMMUTABLE_TAG.matcher(image.tag()).matches()) {
            problems.add(problem("image.tag", "'" + image.tag() + "' can point at a different image tomorrow; " + env.id()
                    + " needs a digest or an immutable version tag", DIGEST_EXAMPLE + " or mlapi:image.tag: \"1.4.2\""));
        }
        check(PULL_POLICIES.contains(image.pullPolicy()), "image.pullPolicy", "must be one of " + PULL_POLICIES, "mlapi:image.pullPolicy: IfNotPresent");
        for (int i = 0; i < image.pullSecrets().size(); i++) {
            check(KubernetesNames.isDnsSubdomain(image.pullSecrets().get(i)), "image.pullSecrets[" + i + "]", "is not a Secret name", "mlapi:image.pullSecrets: [registry-credentials]");
        }
    }

    private void replicas(MlApiConfig c) {
        check(c.replicas() >= 0, "replicas", "must not be negative", "mlapi:replicas: 2");
        check(c.replicas() <= MAX_REPLICAS, "replicas", c.replicas() + " is more than " + MAX_REPLICAS + " replicas", "mlapi:replicas: 3");
        if (c.autoscaling().enabled() && stated.has("replicas")) {
            problems.add(problem("replicas", "is pinned while autoscaling is on; the autoscaler owns the replica count",
                    "mlapi:autoscaling.minReplicas: " + c.replicas()));
        }
        if (!c.autoscaling().enabled() && c.replicas() == 0 && c.connectionTest().enabled()) {
            problems.add(problem("replicas", "0 replicas can never pass the connection test, so every up would fail;"
                    + " turn the test off while the API is scaled to zero", "mlapi:connectionTest.enabled: false"));
        }
        if (c.environment() == Environment.PRODUCTION && !c.autoscaling().enabled()) {
            check(c.replicas() >= 2, "replicas", "production needs at least 2 replicas to survive a node loss", "mlapi:replicas: 3");
        }
    }

    private void resources(Environment env, MlApiConfig.Resources r, MlApiConfig.Scheduling scheduling, MlApiConfig.ModelCache cache) {
        Optional<BigDecimal> cpuRequest = amount("resources.requests.cpu", r.requests() == null ? null : r.requests().cpu(), "500m");
        // In production an unstated memory request is the limit (MlApiConfig), checked there.
        boolean memoryRequestFollowsLimit = env == Environment.PRODUCTION && !stated.path("resources").path("requests").has("memory");
        Optional<BigDecimal> memoryRequest = memoryRequestFollowsLimit ? Optional.empty()
                : amount("resources.requests.memory", r.requests() == null ? null : r.requests().memory(), "1Gi");
        Optional<BigDecimal> cpuLimit = amount("resources.limits.cpu", r.limits() == null ? null : r.limits().cpu(), "2");
        Optional<BigDecimal> memoryLimit = amount("resources.limits.memory", r.limits() == null ? null : r.limits().memory(), "2Gi");
        Optional<BigDecimal> storageRequest = amount("resources.requests.ephemeralStorage", r.requests() == null ? null : r.requests().ephemeralStorage(), "1Gi");
        Optional<BigDecimal> storageLimit = amount("resources.limits.ephemeralStorage", r.limits() == null ? null : r.limits().ephemeralStorage(), "4Gi");
        limitNotBelowRequest("ephemeralStorage", storageRequest, storageLimit, "4Gi");
        BigDecimal scratch = Quantity.parse("1Gi").orElseThrow().add(cache == null || cache.sizeLimit() == null
                ? BigDecimal.ZERO : Quantity.parse(cache.sizeLimit()).orElse(BigDecimal.ZERO));
        if (storageLimit.isPresent() && storageLimit.get().compareTo(scratch) < 0) {
            problems.add(problem("resources.limits.ephemeralStorage", "is below /tmp (1Gi) plus the model cache's sizeLimit;"
                    + " the pod would be evicted as the cache fills", "mlapi:resources.limits.ephemeralStorage: "
                    + scratch.divide(Quantity.parse("1Gi").orElseThrow(), 0, java.math.RoundingMode.UP).add(BigDecimal.ONE) + "Gi"));
        }
        limitNotBelowRequest("cpu", cpuRequest, cpuLimit, "2");
        if (env != Environment.PRODUCTION) {
            limitNotBelowRequest("memory", memoryRequest, memoryLimit, "2Gi");
        } else if (memoryRequest.isPresent() && memoryLimit.isPresent() && memoryRequest.get().compareTo(memoryLimit.get()) != 0) {
            // Guaranteed memory: the request reserves what the model really uses, and under node
            // memory pressure the kernel and the kubelet pick burstable pods first.
            problems.add(problem("resources.requests.memory", "(" + r.requests().memory() + ") differs from resources.limits.memory ("
                    + r.limits().memory() + "); production reserves the whole limit, so a model server under node memory pressure"
                    + " is not OOM-killed ahead of others; leave the request out (it follows the limit) or make it equal",
                    "mlapi:resources.requests.memory: " + r.limits().memory()));
        }
        if (env == Environment.PRODUCTION) {
            check(r.limits() != null && r.limits().memory() != null, "resources.limits.memory",
                    "production needs a memory limit so one replica cannot starve its node", "mlapi:resources.limits.memory: 4Gi");
        }
        if (r.gpu() != null) {
            check(r.gpu() >= 0, "resources.gpu", "must not be negative", "mlapi:resources.gpu: 1");
            if (r.gpu() > 0) {
                check(!scheduling.gpuTolerations().isEmpty() || !scheduling.gpuNodeSelector().isEmpty(), "scheduling.gpuNodeSelector",
                        "a GPU is requested but nothing steers the pod to GPU nodes", "mlapi:scheduling.gpuNodeSelector: {nvidia.com/gpu.present: \"true\"}");
            }
        }
    }

    private Optional<BigDecimal> quantity(String key, String text, String good) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<BigDecimal> value = Quantity.parse(text);
        check(value.isPresent(), key, "'" + text + "' is not a Kubernetes quantity", "mlapi:" + key + ": " + good);
        return value;
    }

    /** A request or limit: a quantity above 0 (a zero limit is none, a zero request reserves nothing). */
    private Optional<BigDecimal> amount(String key, String text, String good) {
        boolean negative = text != null && text.startsWith("-") && Quantity.parse(text.substring(1)).isPresent();
        Optional<BigDecimal> value = negative ? Quantity.parse(text.substring(1)).map(BigDecimal::negate) : quantity(key, text, good);
        if (value.isPresent() && value.get().signum() <= 0) {
            problems.add(problem(key, "'" + text + "' must be more than 0: " + (negative ? "the API server refuses a negative amount"
                    : key.contains(".limits.") ? "Kubernetes reads a zero limit as no limit" : "a zero request reserves nothing"), "mlapi:" + key + ": " + good));
            return Optional.empty();
        }
        return value;
    }

    private void limitNotBelowRequest(String resource, Optional<BigDecimal> request, Optional<BigDecimal> limit, String good) {
        if (request.isPresent() && limit.isPresent() && limit.get().compareTo(request.get()) < 0) {
            problems.add(problem("resources.limits." + resource, "is below the request; a limit must be at least the request",
                    "mlapi:resources.limits." + resource + ": " + good));
        }
    }

    private void shutdown(MlApiConfig.Shutdown s) {
        check(s.drainSeconds() != null && s.drainSeconds() >= 0 && s.drainSeconds() <= MAX_DRAIN_SECONDS, "shutdown.drainSeconds",
                "must be 0 to " + MAX_DRAIN_SECONDS + " seconds", "mlapi:shutdown.drainSeconds: 10");
        positive("shutdown.gracePeriodSeconds", s.gracePeriodSeconds(), "mlapi:shutdown.gracePeriodSeconds: 45");
        if (s.drainSeconds() != null && s.gracePeriodSeconds() != null) {
            check(s.gracePeriodSeconds() > s.drainSeconds(), "shutdown.gracePeriodSeconds",
                    "must be longer than shutdown.drainSeconds (" + s.drainSeconds() + "), or the pod is killed before the server can finish its requests",
                    "mlapi:shutdown.gracePeriodSeconds: " + (s.drainSeconds() + 30));
        }
    }

    private void service(MlApiConfig.Service s) {
        check(SERVICE_TYPES.contains(s.type()), "service.type", "must be one of " + SERVICE_TYPES, "mlapi:service.type: ClusterIP");
        port("service.port", s.port(), "mlapi:service.port: 80");
    }

    private void probes(MlApiConfig.Probes p) {
        for (Map.Entry<String, String> path : Map.of("livenessPath", p.livenessPath(), "readinessPath", p.readinessPath(), "startupPath", p.startupPath()).entrySet()) {
            check(path.getValue() != null && path.getValue().startsWith("/"), "probes." + path.getKey(), "must be an HTTP path starting with /", "mlapi:probes." + path.getKey() + ": /healthz");
        }
        positive("probes.periodSeconds", p.periodSeconds(), "mlapi:probes.periodSeconds: 10");
        positive("probes.timeoutSeconds", p.timeoutSeconds(), "mlapi:probes.timeoutSeconds: 5");
        positive("probes.failureThreshold", p.failureThreshold(), "mlapi:probes.failureThreshold: 3");
        positive("probes.modelLoadTimeoutSeconds", p.modelLoadTimeoutSeconds(), "mlapi:probes.modelLoadTimeoutSeconds: 600");
        check(p.modelLoadTimeoutSeconds() <= MAX_MODEL_LOAD_SECONDS, "probes.modelLoadTimeoutSeconds",
                "is more than " + MAX_MODEL_LOAD_SECONDS / 3600 + " hours; a rollout would wait that long for a stuck pod", "mlapi:probes.modelLoadTimeoutSeconds: 900");
        if (p.timeoutSeconds() > 0 && p.periodSeconds() > 0) {
            check(p.timeoutSeconds() <= p.periodSeconds(), "probes.timeoutSeconds", "is longer than probes.periodSeconds, so probes would overlap", "mlapi:probes.timeoutSeconds: 5");
        }
    }

    private void envVars(String key, Map<String, String> env) {
        env.keySet().forEach(name -> check(ENV_NAME.matcher(name).matches(), key + "." + name, "is not a valid environment variable name", "mlapi:" + key + ".MODEL_NAME: distilbert"));
        noNullValues(key, env);
    }

    /** YAML's null (or a bare key) is no text; the program would have nothing to pass on. */
    private void noNullValues(String key, Map<String, String> entries) {
        entries.forEach((name, value) -> check(value != null, key + "." + name, "has no value (YAML null); give text, or \"\" for empty",
                "mlapi:" + key + "." + name + ": \"\""));
    }

    /** A credential (see {@link PlainCredentials}) whose value is not the path of one of the stack's secret files. */
    private void plainCredentials(Map<String, String> env, List<MlApiConfig.SecretRef> secrets) {
        List<String> secretFiles = secrets.stream().filter(s -> s.mountPath() != null).map(s -> s.mountPath() + "/" + s.name()).toList();
        env.forEach((n, value) -> PlainCredentials.find(n, value).filter(what -> !secretFiles.contains(value)).ifPresent(what -> problems.add(problem("env." + n,
                "looks like " + what + " in plain text, which would sit in git and in the state; make it a secret",
                "mlapi:secrets: [{name: " + n.toLowerCase().replace('_', '-') + ", env: " + n + ", stackConfig: " + camel(n)
                        + "}] and " + setSecret(camel(n), stack)))));
    }

    private void secrets(MlApiConfig c) {
        Set<String> targets = new java.util.HashSet<>(c.env().keySet());
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < c.secrets().size(); i++) {
            MlApiConfig.SecretRef s = c.secrets().get(i);
            String at = "secrets[" + i + "]";
            check(s.name() != null && KubernetesNames.isDnsSubdomain(s.name()), at + ".name", "'" + s.name() + "' is not a valid secret name", "name: model-registry-token");
            check(s.name() == null || names.add(s.name()), at + ".name", "'" + s.name() + "' is used twice", "name: model-registry-token-2");
            check((s.env() == null) != (s.mountPath() == null), at, "takes exactly one of env (a variable) or mountPath (a folder for a file)",
                    "env: MODEL_REGISTRY_TOKEN");
            if (s.env() != null) {
                check(ENV_NAME.matcher(s.env()).matches(), at + ".env", "is not a valid environment variable name", "env: MODEL_REGISTRY_TOKEN");
                check(targets.add(s.env()), at + ".env", s.env() + " is set twice (here and in mlapi:env or another secret)", "env: MODEL_REGISTRY_TOKEN_2");
            }
            if (s.mountPath() != null) {
                check(s.mountPath().startsWith("/"), at + ".mountPath", "must be an absolute path", "mountPath: /var/run/secrets/registry");
                check(targets.add(s.mountPath() + "/" + s.name()), at + ".mountPath", "the file " + s.mountPath() + "/" + s.name() + " is written twice",
                        "mountPath: /var/run/secrets/other");
            }
            if (s.source() == null) {
                problems.add(problem(at, "takes exactly one source: stackConfig (an encrypted stack-config key), awsSecretsManager or sealed",
                        "stackConfig: modelRegistryToken"));
            } else {
                s.source().visit(key -> encryptedKey(at + ".stackConfig", key.key()), aws -> {
                    awsSecret(at + ".awsSecretsManager", aws);
                    // The operator rotates the Secret in place; only a mounted file sees the new value without a restart.
                    check(s.env() == null, at + ".env", "an env var keeps the old value after AWS Secrets Manager rotates it, until the pods"
                            + " restart; read it from a file the operator keeps current", "mountPath: /var/run/secrets/" + s.name());
                }, sealed -> check(sealed.encryptedData() != null && SEALED.matcher(sealed.encryptedData()).matches(), at + ".sealed.encryptedData",
                        "is not a sealed value; make one with ./mlapi seal " + stack + " " + s.name(), "sealed: {encryptedData: AgBy3i4OJSWK+PiTySYZZA...}"));
            }
        }
    }

    private void encryptedKey(String at, String key) {
        if (!keys.contains(key)) {
            problems.add(problem(at, "mlapi:" + key + " is not set", setSecret(key, stack)));
        } else if (!encryptedKeys.contains(key)) {
            problems.add(problem(at, "mlapi:" + key + " is in plain text in the stack file; it must be encrypted", setSecret(key, stack)));
        }
    }

    private void awsSecret(String at, SecretSource.AwsSecret aws) {
        if (aws.valueFrom() != null) {
            encryptedKey(at + ".valueFrom", aws.valueFrom());
        }
        String id = aws.secretId();
        if (id == null || id.isBlank()) {
            problems.add(problem(at + ".secretId", "is required: the Secrets Manager name or ARN", "secretId: ml/sentiment/registry-token"));
        } else if (id.startsWith("arn:")) {
            check(SECRET_ARN.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret ARN",
                    "secretId: arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/registry-token-AbCdEf");
        } else {
            check(SECRET_NAME.matcher(id).matches(), at + ".secretId", "'" + id + "' is not a Secrets Manager secret name", "secretId: ml/sentiment/registry-token");
        }
    }

    private void externalSecrets(MlApiConfig c) {
        List<SecretsBySource.Sourced<SecretSource.AwsSecret>> aws = c.secretsBySource().aws();
        if (aws.isEmpty()) {
            return;
        }
        MlApiConfig.ExternalSecrets es = c.externalSecrets();
        if ("ClusterSecretStore".equals(es.storeKind())) {
            check(es.clusterStoreName() != null && KubernetesNames.isDnsSubdomain(es.clusterStoreName()), "externalSecrets.clusterStoreName",
                    "names the existing ClusterSecretStore to use", "mlapi:externalSecrets.clusterStoreName: aws-secrets-manager");
        } else {
            check("SecretStore".equals(es.storeKind()), "externalSecrets.storeKind", "must be SecretStore or ClusterSecretStore", "mlapi:externalSecrets.storeKind: SecretStore");
            check(es.region() != null && REGION.matcher(es.region()).matches(), "externalSecrets.region", "is required: the AWS region of the secrets",
                    "mlapi:externalSecrets.region: eu-west-1");
            MlApiConfig.ManagedAws managed = es.manageAws();
            if (managed != null) {
                check(managed.oidcProviderArn() != null && OIDC_PROVIDER_ARN.matcher(managed.oidcProviderArn()).matches(), "externalSecrets.manageAws.oidcProviderArn",
                        managed.oidcProviderArn() == null ? "is required: the cluster's IAM OIDC provider, which the role trusts"
                                : "'" + managed.oidcProviderArn() + "' is not an IAM OIDC provider ARN", "oidcProviderArn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789");
                check(managed.kmsKeyArn() == null || managed.kmsKeyArn().matches("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[a-f0-9-]+$"),
                        "externalSecrets.manageAws.kmsKeyArn", "is not a KMS key ARN", "kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
                check(es.roleArn() == null, "externalSecrets.roleArn", "is made by the stack when it manages AWS; leave it out", "no mlapi:externalSecrets.roleArn beside manageAws");
                aws.stream().filter(s -> s.source().secretId() != null && s.source().secretId().startsWith("arn:")).forEach(s -> problems.add(problem("secrets",
                        s.secret().name() + " names an ARN, but a secret the stack creates is named, not an ARN", "secretId: ml/sentiment/db")));
            } else {
                check(es.roleArn() != null && ROLE_ARN.matcher(es.roleArn()).matches(), "externalSecrets.roleArn",
                        es.roleArn() == null ? "is required: the IAM role the ServiceAccount assumes (IRSA) to read the secrets"
                                : "'" + es.roleArn() + "' is not an IAM role ARN", "mlapi:externalSecrets.roleArn: arn:aws:iam::123456789012:role/sentiment-api-secrets");
            }
        }
        check(es.refreshInterval() != null && es.refreshInterval().matches("^(\\d+(s|m|h))+$"), "externalSecrets.refreshInterval", "is not a duration",
                "mlapi:externalSecrets.refreshInterval: 1h");
    }

    /**
     * The command that sets a secret, its value read from a file (or typed at the prompt
     * without one): never on the command line, where ps and the shell's history keep it.
     */
    static String setSecret(String key, String stack) {
        return "pulumi config set --secret mlapi:" + key + " --stack " + stack + " < "
                + key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT) + ".txt";
    }

    static String camel(String envName) {
        StringBuilder out = new StringBuilder();
        for (String part : envName.toLowerCase().split("_")) {
            out.append(out.length() == 0 ? part : part.isEmpty() ? "" : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }

    private void configFiles(MlApiConfig.ConfigFiles files) {
        if (files == null) {
            return;
        }
        check(files.data() != null && !files.data().isEmpty(), "configMap.data", "is empty; give the files or variables to provide", "mlapi:configMap.data: {labels.json: '[\"neg\",\"pos\"]'}");
        if (files.mountPath() != null) {
            check(files.mountPath().startsWith("/"), "configMap.mountPath", "must be an absolute path", "mlapi:configMap.mountPath: /etc/mlapi");
            if (files.data() != null) {
                files.data().keySet().forEach(file -> check(CONFIG_MAP_KEY.matcher(file).matches(), "configMap.data." + file,
                        "is not a ConfigMap key: up to 253 letters, digits and -._, no folders", "mlapi:configMap.data.labels.json: '[\"neg\",\"pos\"]'"));
                files.data().keySet().forEach(name -> check(!name.startsWith(".."), "configMap.data." + name,
                        "must not start with '..' (the kubelet keeps its own files there)", "mlapi:configMap.data.labels.json: '[]'"));
                noNullValues("configMap.data", files.data());
            }
        } else if (files.data() != null) {
            envVars("configMap.data", files.data());
        }
    }

    private void autoscaling(MlApiConfig.Autoscaling a) {
        if (!a.enabled()) {
            return;
        }
        check(a.minReplicas() >= 1, "autoscaling.minReplicas", "must be at least 1", "mlapi:autoscaling.minReplicas: 2");
        check(a.maxReplicas() <= MAX_REPLICAS, "autoscaling.maxReplicas", a.maxReplicas() + " is more than " + MAX_REPLICAS + " replicas", "mlapi:autoscaling.maxReplicas: 12");
        check(a.maxReplicas() >= a.minReplicas(), "autoscaling.maxReplicas",
                "(" + a.maxReplicas() + ") is below autoscaling.minReplicas (" + a.minReplicas() + ")", "mlapi:autoscaling.maxReplicas: " + Math.max(a.minReplicas(), 2) * 2);
        check(a.targetCpuUtilization() != null || a.targetMemoryUtilization() != null, "autoscaling.targetCpuUtilization",
                "autoscaling needs a target to scale on", "mlapi:autoscaling.targetCpuUtilization: 70");
        percent("autoscaling.targetCpuUtilization", a.targetCpuUtilization());
        percent("autoscaling.targetMemoryUtilization", a.targetMemoryUtilization());
    }

    /** The autoscaler measures use as a share of the request; without one it cannot scale. */
    private void autoscalingRequests(MlApiConfig.Autoscaling a, MlApiConfig.Resources r) {
        if (!a.enabled()) {
            return;
        }
        if (a.targetCpuUtilization() != null) {
            check(r.requests() != null && r.requests().cpu() != null, "resources.requests.cpu", "is required with autoscaling.targetCpuUtilization:"
                    + " the autoscaler measures CPU use as a share of the request", "mlapi:resources.requests.cpu: 500m");
        }
        if (a.targetMemoryUtilization() != null) {
            check(r.requests() != null && r.requests().memory() != null, "resources.requests.memory", "is required with autoscaling.targetMemoryUtilization:"
                    + " the autoscaler measures memory use as a share of the request", "mlapi:resources.requests.memory: 1Gi");
        }
    }

    private void percent(String key, Integer value) {
        if (value != null) {
            check(value >= 1 && value <= 100, key, "must be a percentage from 1 to 100", "mlapi:" + key + ": 70");
        }
    }

    private void disruptionBudget(MlApiConfig c) {
        MlApiConfig.DisruptionBudget b = c.disruptionBudget();
        if (!b.enabled()) {
            return;
        }
        boolean statedMin = stated.path("disruptionBudget").has("minAvailable");
        String minAvailable = b.minAvailable();
        String maxUnavailable = statedMin && !stated.path("disruptionBudget").has("maxUnavailable") ? null : b.maxUnavailable();
        if (minAvailable != null && maxUnavailable != null) {
            problems.add(problem("disruptionBudget", "sets both minAvailable and maxUnavailable; Kubernetes takes one", "mlapi:disruptionBudget.maxUnavailable: \"1\""));
            return;
        }
        String key = minAvailable != null ? "disruptionBudget.minAvailable" : "disruptionBudget.maxUnavailable";
        String value = minAvailable != null ? minAvailable : maxUnavailable;
        var m = value == null ? null : INT_OR_PERCENT.matcher(value);
        if (m == null || !m.matches()) {
            problems.add(problem(key, "'" + value + "' is neither a count nor a percentage", "mlapi:" + key + ": \"1\" or \"25%\""));
            return;
        }
        int number = Integer.parseInt(m.group(1));
        boolean isPercent = !m.group(2).isEmpty();
        int replicas = c.autoscaling().enabled() ? c.autoscaling().minReplicas() : c.replicas();
        if (minAvailable != null && (isPercent ? number >= 100 : number >= replicas)) {
            problems.add(problem(key, "(" + value + ") leaves no pod that may be evicted from " + replicas + " replica(s), so node drains would hang",
                    "mlapi:disruptionBudget.maxUnavailable: \"1\""));
        }
        if (minAvailable == null && (number == 0)) {
            problems.add(problem(key, "of 0 blocks every eviction, so node drains would hang", "mlapi:disruptionBudget.maxUnavailable: \"1\""));
        }
    }

    private void metadata(String key, Map<String, String> entries, boolean labels) {
        entries.forEach((name, value) -> {
            check(KubernetesNames.isQualifiedName(name), key + "." + name, "is not a valid " + (labels ? "label" : "annotation") + " key",
                    "mlapi:" + key + ".team/owner: ml-platform");
            if (labels) {
                check(KubernetesNames.isLabelValue(value), key + "." + name, "'" + value + "' is not a valid label value (63 characters of letters, digits, -_.)",
                        "mlapi:" + key + "." + name + ": ml-platform");
            }
        });
    }

    private void scheduling(MlApiConfig.Scheduling s) {
        metadata("scheduling.nodeSelector", s.nodeSelector(), true);
        metadata("scheduling.gpuNodeSelector", s.gpuNodeSelector(), true);
        tolerations("scheduling.tolerations", s.tolerations());
        tolerations("scheduling.gpuTolerations", s.gpuTolerations());
        for (int i = 0; i < s.requiredNodeAffinity().size(); i++) {
            MlApiConfig.NodeRequirement r = s.requiredNodeAffinity().get(i);
            String key = "scheduling.requiredNodeAffinity[" + i + "]";
            check(KubernetesNames.isQualifiedName(r.key()), key + ".key", "is not a valid label key", "key: node.kubernetes.io/instance-type");
            check(NODE_OPERATORS.contains(r.operator()), key + ".operator", "must be one of " + NODE_OPERATORS, "operator: In");
            boolean needsValues = r.operator() != null && !r.operator().equals("Exists") && !r.operator().equals("DoesNotExist");
            check(!needsValues || r.values() != null && !r.values().isEmpty(), key + ".values", "operator " + r.operator() + " needs values", "values: [g5.xlarge]");
            if ("Gt".equals(r.operator()) || "Lt".equals(r.operator())) {
                check(r.values() == null || r.values().size() == 1 && r.values().get(0).matches("^-?\\d+$"), key + ".values",
                        "operator " + r.operator() + " compares with one whole number", "values: [\"2\"]");
            }
            check(needsValues || r.operator() == null || r.values() == null || r.values().isEmpty(), key + ".values",
                    "must be left out with operator " + r.operator() + ", which only asks whether the label is there", "{key: " + r.key() + ", operator: " + r.operator() + "}");
        }
    }

    private void tolerations(String key, List<MlApiConfig.Toleration> tolerations) {
        for (int i = 0; i < tolerations.size(); i++) {
            MlApiConfig.Toleration t = tolerations.get(i);
            String at = key + "[" + i + "]";
            String operator = t.operator() == null ? "Equal" : t.operator();
            check(TOLERATION_OPERATORS.contains(operator), at + ".operator", "must be Exists or Equal", "operator: Exists");
            check(t.effect() == null || TAINT_EFFECTS.contains(t.effect()), at + ".effect", "must be one of " + TAINT_EFFECTS, "effect: NoSchedule");
            check(t.tolerationSeconds() == null || "NoExecute".equals(t.effect()), at + ".effect",
                    "must be NoExecute when tolerationSeconds is set; the API server refuses any other", "effect: NoExecute");
            check(!operator.equals("Exists") || t.value() == null, at + ".value", "must be empty when the operator is Exists", "operator: Equal");
            check(t.key() != null || operator.equals("Exists"), at + ".key", "is required unless the operator is Exists", "key: nvidia.com/gpu");
            check(t.key() == null || KubernetesNames.isQualifiedName(t.key()), at + ".key", "'" + t.key() + "' is not a valid taint key", "key: nvidia.com/gpu");
            check(t.value() == null || KubernetesNames.isLabelValue(t.value()), at + ".value",
                    "'" + t.value() + "' is not a valid taint value (63 characters of letters, digits, -_.)", "value: ml");
        }
    }

    private void serviceAccount(MlApiConfig.ServiceAccount sa) {
        check(sa.create() || stated.path("serviceAccount").has("name"), "serviceAccount.name",
                "names the existing ServiceAccount to use when serviceAccount.create is false", "mlapi:serviceAccount.name: sentiment-api-runner");
        if (stated.path("serviceAccount").has("name")) {
            check(KubernetesNames.isDnsSubdomain(sa.name()), "serviceAccount.name", "'" + sa.name() + "' is not a valid ServiceAccount name", "mlapi:serviceAccount.name: sentiment-api");
        }
        metadata("serviceAccount.annotations", sa.annotations(), false);
    }

    private void ingress(MlApiConfig.Ingress in) {
        if (!in.enabled()) {
            return;
        }
        check(in.host() != null && isIngressHost(in.host()), "ingress.host",
                in.host() == null ? "is required when the ingress is enabled" : "'" + in.host() + "' is not a DNS host name", "mlapi:ingress.host: sentiment.ml.example.com");
        check(in.path() != null && PLAIN_PATH.matcher(in.path()).matches(), "ingress.path", "'" + in.path() + "' is not a plain path: the Ingress matches"
                + " it as a prefix (pathType Prefix), never as a regex; a / then letters, digits and -._~/", "mlapi:ingress.path: /v1");
        if (in.className() != null) {
            check(KubernetesNames.isDnsSubdomain(in.className()), "ingress.className", "is not an IngressClass name", "mlapi:ingress.className: nginx");
        }
        if (in.tlsSecret() != null) {
            check(KubernetesNames.isDnsSubdomain(in.tlsSecret()), "ingress.tlsSecret", "is not a Secret name", "mlapi:ingress.tlsSecret: sentiment-tls");
        }
        metadata("ingress.annotations", in.annotations(), false);
    }

    /** A DNS name, or one whose first label is a wildcard (the only place Kubernetes takes one). */
    private static boolean isIngressHost(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return host.length() <= 253 && KubernetesNames.isDnsSubdomain(name);
    }

    private void networkPolicy(MlApiConfig c) {
        List<String> from = c.networkPolicy().allowFromNamespaces();
        for (int i = 0; i < from.size(); i++) {
            check(KubernetesNames.isDnsLabel(from.get(i)), "networkPolicy.allowFromNamespaces[" + i + "]", "is not a namespace name",
                    "mlapi:networkPolicy.allowFromNamespaces: [ingress-nginx]");
        }
        if (c.networkPolicy().enabled() && c.ingress().enabled()) {
            check(!from.isEmpty(), "networkPolicy.allowFromNamespaces", "lets no ingress controller in, so the ingress could not reach the API;"
                    + " name the controller's namespace", "mlapi:networkPolicy.allowFromNamespaces: [ingress-nginx]");
        }
        // Outside traffic reaches the pods from node or client addresses, which no namespace selector admits.
        if (c.networkPolicy().enabled() && List.of("LoadBalancer", "NodePort").contains(c.service().type())) {
            problems.add(problem("service.type", c.service().type() + " takes traffic from outside the cluster, which the NetworkPolicy drops"
                    + " (it lets in only the namespace itself and networkPolicy.allowFromNamespaces); use ClusterIP behind the ingress,"
                    + " or turn the policy off", "mlapi:service.type: ClusterIP"));
        }
    }

    private void modelCache(MlApiConfig.ModelCache cache, MlApiConfig.Namespace namespace) {
        if (cache == null) {
            return;
        }
        check(cache.mountPath() != null && cache.mountPath().startsWith("/"), "modelCache.mountPath", "must be an absolute path", "mlapi:modelCache.mountPath: /models");
        check((cache.sizeLimit() == null) != (cache.existingClaim() == null), "modelCache",
                "takes exactly one of sizeLimit (a node-local emptyDir) or existingClaim (a PersistentVolumeClaim)", "mlapi:modelCache.sizeLimit: 10Gi");
        quantity("modelCache.sizeLimit", cache.sizeLimit(), "10Gi");
        if (cache.existingClaim() != null) {
            check(KubernetesNames.isDnsSubdomain(cache.existingClaim()), "modelCache.existingClaim", "is not a claim name", "mlapi:modelCache.existingClaim: model-weights");
            check(!namespace.create(), "modelCache.existingClaim", "needs a namespace that outlives the stack: the claim must exist before the first up,"
                    + " and a namespace the stack creates is deleted, weights and all, by destroy or a rename",
                    "mlapi:namespace: {name: " + namespace.name() + ", create: false}");
        }
        check(!cache.readOnlyMount() || cache.existingClaim() != null, "modelCache.readOnly", "needs existingClaim: a read-only emptyDir would stay empty",
                "mlapi:modelCache.existingClaim: model-weights");
    }

    /** Each folder the container gets is mounted once: /tmp, the config files, the model cache, the secret files. */
    private void mountPaths(MlApiConfig c) {
        Map<String, String> taken = new java.util.HashMap<>(Map.of("/tmp", "the writable /tmp"));
        java.util.function.BiConsumer<String, String> mount = (key, path) -> {
            // Secret files of one folder share one mount.
            String owner = key.startsWith("secrets[") ? "mlapi:secrets" : "mlapi:" + key;
            String other = path == null ? null : taken.putIfAbsent(path, owner);
            check(other == null || other.equals(owner), key, path + " is already the mount of " + other + "; give it a folder of its own",
                    "mlapi:" + key + ": /models");
        };
        mount.accept("modelCache.mountPath", c.modelCache() == null ? null : c.modelCache().mountPath());
        mount.accept("configMap.mountPath", c.configMap() == null ? null : c.configMap().mountPath());
        for (int i = 0; i < c.secrets().size(); i++) {
            mount.accept("secrets[" + i + "].mountPath", c.secrets().get(i).mountPath());
        }
    }

    private void securityContext(MlApiConfig.SecurityContext sc) {
        check(sc.runAsUser() != null && sc.runAsUser() > 0, "securityContext.runAsUser", "must be a non-root user id", "mlapi:securityContext.runAsUser: 10001");
        check(sc.runAsGroup() != null && sc.runAsGroup() > 0, "securityContext.runAsGroup", "must be a non-root group id", "mlapi:securityContext.runAsGroup: 10001");
        check(sc.fsGroup() != null && sc.fsGroup() > 0, "securityContext.fsGroup", "must be a non-root group id", "mlapi:securityContext.fsGroup: 10001");
    }

    private void dnsLabel(String key, String value, String good) {
        String lookAlike = value.chars().anyMatch(ch -> ch > 127) ? " (it has characters outside ASCII that look like letters)" : "";
        check(KubernetesNames.isDnsLabel(value), key, "'" + value + "' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)" + lookAlike,
                "mlapi:" + key + ": " + good);
    }

    private void port(String key, Integer port, String example) {
        check(port != null && port >= 1 && port <= 65535, key, port + " is not a port (1-65535)", example);
    }

    /** The restricted profile drops every capability, NET_BIND_SERVICE too. */
    private void unprivilegedPort(Integer port) {
        if (port != null && port >= 1 && port < FIRST_UNPRIVILEGED_PORT) {
            problems.add(problem("port", port + " is below " + FIRST_UNPRIVILEGED_PORT + ": the API runs as a non-root user without capabilities"
                    + " (restricted profile), which cannot bind it; the Service still listens on service.port", "mlapi:port: 8080"));
        }
    }

    private void positive(String key, Integer value, String example) {
        check(value != null && value > 0, key, "must be a positive number of seconds or times", example);
    }

    private void check(boolean ok, String key, String problem, String example) {
        if (!ok) {
            problems.add(problem(key, problem, example));
        }
    }

    private ConfigProblem problem(String key, String problem, String example) {
        return new ConfigProblem(stack, key, problem, example);
    }
}
