package dev.mlapi.config;

import dev.mlapi.components.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a bound config must meet; each broken rule becomes one {@link ConfigProblem}. */
final class ConfigValidator extends ConfigRules {
    // The reference grammar of the distribution spec, without the optional tag and digest.
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    /** Tags that name one build forever: a semantic version, or a commit id. */
    private static final Pattern IMMUTABLE_TAG = Pattern.compile("^v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$|^(?:[a-z0-9.-]+-)?[0-9a-f]{7,40}$");
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final String DIGEST_EXAMPLE = "mlapi:image.digest: sha256:" + "0123456789abcdef".repeat(4);

    private static final int MAX_MODEL_LOAD_SECONDS = 2 * 3600;
    private static final int MAX_DRAIN_SECONDS = 300;
    // The connection test runs against a Deployment already ready: its Service's endpoints settle in seconds.
    private static final int MIN_CONNECTION_TEST_SECONDS = 30;
    private static final int MAX_CONNECTION_TEST_SECONDS = 900;

    private final SecretRules secretRules;
    private final PodRules podRules;
    private final AccessRules accessRules;

    ConfigValidator(String stack, JsonNode stated, Set<String> keys, Set<String> encryptedKeys) {
        super(stack, stated, new ArrayList<>());
        this.secretRules = new SecretRules(stack, stated, problems, keys, encryptedKeys);
        this.podRules = new PodRules(stack, stated, problems);
        this.accessRules = new AccessRules(stack, stated, problems);
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
        podRules.resources(c.environment(), c.resources(), c.scheduling(), c.modelCache());
        port("port", c.port(), "mlapi:port: 8080");
        unprivilegedPort(c.port());
        accessRules.service(c.service());
        probes(c.probes());
        shutdown(c.shutdown());
        envVars("env", c.env());
        secretRules.plainCredentials(c.env(), c.secrets());
        secretRules.secrets(c);
        secretRules.externalSecrets(c);
        configFiles(c.configMap());
        podRules.autoscaling(c.autoscaling());
        podRules.autoscalingRequests(c.autoscaling(), c.resources());
        podRules.disruptionBudget(c);
        metadata("podAnnotations", c.podAnnotations(), false);
        metadata("podLabels", c.podLabels(), true);
        podRules.scheduling(c.scheduling());
        accessRules.serviceAccount(c.serviceAccount());
        accessRules.ingress(c.ingress());
        accessRules.networkPolicy(c);
        podRules.modelCache(c.modelCache(), c.namespace());
        podRules.mountPaths(c);
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

}
