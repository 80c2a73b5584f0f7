package dev.mlapi.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stack files made by mutating the committed ones, reproducibly from a seed. Each mutation sets
 * one value (a type swapped, a number, a name, a path, a quantity, a YAML feature) and says where
 * the written value must show up in the rendered objects, so that an accepted config can be
 * checked to mean what was written.
 */
final class ConfigGenerator {
    /** Where a value lands: the object's kind and a JSON pointer in it ({@code env:NAME} for a variable). */
    record Location(String kind, String pointer) {}

    /** The written value must be rendered as {@code expected} at {@code at}. */
    record Check(Location at, String expected) {}

    /** A file the pinned Pulumi CLI refuses (it says "mapping key ... already defined"): validate must refuse it too. */
    static final Check CLI_REFUSES = new Check(null, "refused by the Pulumi CLI");

    /** One change to a stack file: the top-level key it replaces, its YAML, what it must mean. */
    record Mutation(String label, String key, String yaml, Check check) {}

    /** A generated stack file. */
    record Generated(int index, String stack, String text, List<Mutation> mutations) {}

    private static final String CONTAINER = "/spec/template/spec/containers/0";
    private static final Map<String, Location> LOCATIONS = Map.ofEntries(
            Map.entry("replicas", new Location("Deployment", "/spec/replicas")),
            Map.entry("port", new Location("Deployment", CONTAINER + "/ports/0/containerPort")),
            Map.entry("service.port", new Location("Service", "/spec/ports/0/port")),
            Map.entry("service.type", new Location("Service", "/spec/type")),
            Map.entry("resources.requests.cpu", new Location("Deployment", CONTAINER + "/resources/requests/cpu")),
            Map.entry("resources.requests.memory", new Location("Deployment", CONTAINER + "/resources/requests/memory")),
            Map.entry("resources.limits.cpu", new Location("Deployment", CONTAINER + "/resources/limits/cpu")),
            Map.entry("resources.limits.memory", new Location("Deployment", CONTAINER + "/resources/limits/memory")),
            Map.entry("probes.livenessPath", new Location("Deployment", CONTAINER + "/livenessProbe/httpGet/path")),
            Map.entry("probes.periodSeconds", new Location("Deployment", CONTAINER + "/livenessProbe/periodSeconds")),
            Map.entry("shutdown.gracePeriodSeconds", new Location("Deployment", "/spec/template/spec/terminationGracePeriodSeconds")),
            Map.entry("securityContext.runAsUser", new Location("Deployment", "/spec/template/spec/securityContext/runAsUser")),
            Map.entry("ingress.path", new Location("Ingress", "/spec/rules/0/http/paths/0/path")),
            Map.entry("ingress.host", new Location("Ingress", "/spec/rules/0/host")),
            Map.entry("namespace.name", new Location("Namespace", "/metadata/name")),
            Map.entry("image.tag", new Location("Deployment", CONTAINER + "/image")));

    /**
     * Values to try, by key: {@code key | yaml}. Text and numbers are expected as written (quotes
     * removed); {@code key | yaml | expected} states the expected rendering where YAML's meaning
     * is not the literal text.
     */
    private static final List<String> VALUES = List.of(
            "replicas|0", "replicas|1", "replicas|2", "replicas|1.0|1", "replicas|2.5", "replicas|-1", "replicas|1e3",
            "replicas|\"3\"", "replicas|yes", "replicas|99999999999", "replicas|null", "replicas|[1]", "replicas|{a: 1}", "replicas|0x2|2",
            "port|0", "port|1", "port|80", "port|1023", "port|1024", "port|8080", "port|65535", "port|65536", "port|-1", "port|\"8080\"",
            "port|8080.0|8080", "port|on",
            "service.port|0", "service.port|1", "service.port|65535", "service.port|65536", "service.port|443",
            "service.type|NodePort", "service.type|LoadBalancer", "service.type|clusterip", "service.type|ExternalName",
            "resources.requests.cpu|1.5", "resources.requests.cpu|1e3", "resources.requests.cpu|500m", "resources.requests.cpu|0",
            "resources.requests.cpu|\"1e3\"", "resources.requests.cpu|\"1.5\"", "resources.requests.cpu|\"-1\"", "resources.requests.cpu|\" 1\"",
            "resources.requests.cpu|\"0.5m\"", "resources.requests.cpu|\"1m\"", "resources.requests.cpu|2", "resources.requests.cpu|\"1Ki\"",
            "resources.requests.memory|\"1Gi\"", "resources.requests.memory|\"1GB\"", "resources.requests.memory|\" 1Gi\"",
            "resources.requests.memory|\"-1\"", "resources.requests.memory|\"0\"", "resources.requests.memory|\"1e3\"",
            "resources.requests.memory|\"500m\"", "resources.requests.memory|\"1.5Gi\"", "resources.requests.memory|\"1Gi \"",
            "resources.requests.memory|\"1gi\"", "resources.requests.memory|\"1E\"", "resources.requests.memory|\"1e99\"",
            "resources.limits.cpu|\"0\"", "resources.limits.cpu|\"8\"", "resources.limits.cpu|8", "resources.limits.cpu|\"1.5\"",
            "resources.limits.cpu|\"100000\"", "resources.limits.memory|\"0\"", "resources.limits.memory|\"64Gi\"",
            "resources.limits.memory|\"1Ei\"", "resources.limits.memory|\"1.5Gi\"", "resources.limits.memory|16Gi",
            "probes.livenessPath|/healthz", "probes.livenessPath|healthz", "probes.livenessPath|/a/../b", "probes.livenessPath|\"/v1/[a-z]+\"",
            "probes.livenessPath|\"/a b\"", "probes.livenessPath|/ready?x=1", "probes.livenessPath|\"\"", "probes.livenessPath|\"/\\u00e9t\\u00e9\"",
            "probes.periodSeconds|0", "probes.periodSeconds|1", "probes.periodSeconds|1.0|1", "probes.periodSeconds|3600", "probes.periodSeconds|-5",
            "shutdown.gracePeriodSeconds|0", "shutdown.gracePeriodSeconds|11", "shutdown.gracePeriodSeconds|86400",
            "shutdown.gracePeriodSeconds|2147483648", "shutdown.drainSeconds|0", "shutdown.drainSeconds|300", "shutdown.drainSeconds|301",
            "securityContext.runAsUser|0", "securityContext.runAsUser|1", "securityContext.runAsUser|2147483647",
            "securityContext.runAsUser|2147483648", "securityContext.runAsUser|-1", "securityContext.runAsUser|\"1000\"",
            "securityContext.fsGroup|1", "securityContext.runAsGroup|65534",
            "ingress.path|/", "ingress.path|/v1", "ingress.path|v1", "ingress.path|\"/v1/.*\"", "ingress.path|/a/../b", "ingress.path|\"/a b\"",
            "ingress.path|\"/v1(/|$)(.*)\"", "ingress.path|/v1/", "ingress.path|\"/a;b\"",
            "ingress.host|sentiment.example.com", "ingress.host|\"*.example.com\"", "ingress.host|Example.com", "ingress.host|a..b",
            "ingress.host|" + "a".repeat(64) + ".example.com", "ingress.host|127.0.0.1", "ingress.host|example.com.", "ingress.host|localhost",
            "namespace.name|sentiment-ns", "namespace.name|Sentiment", "namespace.name|a.b", "namespace.name|" + "n".repeat(63),
            "namespace.name|" + "n".repeat(64), "namespace.name|kube-system", "namespace.name|-ns", "namespace.name|0755",
            "namespace.name|default", "namespace.name|\"123\"",
            "image.tag|\"1.0.0\"", "image.tag|0755", "image.tag|1.10", "image.tag|\"1.10\"", "image.tag|v1.2.3", "image.tag|2024-01-02",
            "image.tag|1_000", "image.tag|\"" + "t".repeat(129) + "\"", "image.tag|.hidden", "image.tag|\"-x\"",
            "image.pullPolicy|Never", "image.pullPolicy|always", "image.pullSecrets|[registry-creds]", "image.pullSecrets|[Registry]",
            "image.pullSecrets|registry",
            "name|sentiment-api", "name|Sentiment-API", "name|a.b", "name|" + "x".repeat(63), "name|" + "x".repeat(64), "name|\"-x\"",
            "name|x-", "name|0755", "name|\"123\"", "name|null", "name|yes", "name|" + "s".repeat(50),
            "probes.timeoutSeconds|11", "probes.failureThreshold|0", "probes.modelLoadTimeoutSeconds|1", "probes.modelLoadTimeoutSeconds|7200",
            "probes.modelLoadTimeoutSeconds|7201", "probes.startupPath|/ready",
            "connectionTest.enabled|false", "connectionTest.timeoutSeconds|0", "connectionTest.timeoutSeconds|1", "connectionTest.path|selftest",
            "connectionTest.path|\"/a b\"", "connectionTest.ttlSecondsAfterFinished|0", "connectionTest.ttlSecondsAfterFinished|-1",
            "connectionTest.timeoutSeconds|2147483647");

    /** Whole-key values: maps and lists, and YAML features that span a key. */
    private static final List<String> BLOCKS = List.of(
            "podLabels|{team: ml-platform}", "podLabels|{\"example.com/team\": ml}", "podLabels|{x: on}", "podLabels|{x: yes}",
            "podLabels|{x: \"true\"}", "podLabels|{x: 0755}", "podLabels|{x: \"0755\"}", "podLabels|{\"-x\": y}", "podLabels|{x: \"a b\"}",
            "podLabels|{x: " + "v".repeat(64) + "}", "podLabels|{x: " + "v".repeat(63) + "}", "podLabels|{\"a/b/c\": x}",
            "podLabels|{\"" + "p".repeat(254) + "/x\": y}", "podLabels|{\"Example.com/x\": y}", "podLabels|{x: \"\"}", "podLabels|{x: null}",
            "podLabels|{environment: prod}", "podLabels|{app.kubernetes.io/name: other}", "podLabels|{x: 1.5}", "podLabels|{x: 12}",
            "podLabels|[a, b]", "podLabels|x",
            "podAnnotations|{x: \"1\"}", "podAnnotations|{x: 1}", "podAnnotations|{x: yes}", "podAnnotations|{x: true}",
            "podAnnotations|{\"a/b/c\": x}", "podAnnotations|{\"prometheus.io/port\": \"8080\"}", "podAnnotations|{x: \"" + "a".repeat(300) + "\"}",
            "podAnnotations|{x: |\n      line one\n      line two\n}", "podAnnotations|{\"" + "k".repeat(64) + "\": v}", "podAnnotations|{x: 0o17}",
            "env|{A: yes}", "env|{A: 0755}", "env|{A: \"0755\"}", "env|{1A: x}", "env|{A: null}", "env|{A: [1]}", "env|{A: \"\"}",
            "env|{A.B: x}", "env|{A-B: x}", "env|{A: on}", "env|{A: 1.10}", "env|{A: \"multi\\nline\"}", "env|{A: 1e3}", "env|{A: ~}",
            "env|{PASSWORD: hunter2}", "env|{A: 12}",
            "configMap|{data: {a.json: \"[]\"}, mountPath: /etc/mlapi}", "configMap|{data: {a/b: x}, mountPath: /etc/mlapi}",
            "configMap|{data: {A: x}}", "configMap|{data: {a.b: x}}", "configMap|{data: {a.json: x}, mountPath: /models}",
            "configMap|{data: {a.json: x}, mountPath: /tmp}", "configMap|{data: {a.json: x}, mountPath: /etc/mlapi/../x}",
            "configMap|{data: {\"..a\": x}, mountPath: /etc/mlapi}", "configMap|{data: {\"" + "k".repeat(254) + "\": x}, mountPath: /etc/mlapi}",
            "configMap|{data: {A: x}, mountPath: etc}", "configMap|{data: {}}", "configMap|{data: {LOG_LEVEL: x}}",
            "modelCache|{mountPath: /models, sizeLimit: 2Gi}", "modelCache|{mountPath: /tmp, sizeLimit: 1Gi}",
            "modelCache|{mountPath: /tmp/models, sizeLimit: 1Gi}", "modelCache|{mountPath: models, sizeLimit: 1Gi}",
            "modelCache|{mountPath: /var/run/secrets/registry, sizeLimit: 1Gi}", "modelCache|{mountPath: /, sizeLimit: 1Gi}",
            "modelCache|{mountPath: /models/../etc, sizeLimit: 1Gi}", "modelCache|{mountPath: /models, sizeLimit: \"0\"}",
            "modelCache|{mountPath: /models, sizeLimit: \"-1\"}", "modelCache|{mountPath: /models, sizeLimit: 1e3}",
            "modelCache|{mountPath: /models, existingClaim: weights}", "modelCache|{mountPath: /models, existingClaim: Weights}",
            "modelCache|{mountPath: /var/run/secrets, sizeLimit: 1Gi}", "modelCache|{mountPath: \"/a:b\", sizeLimit: 1Gi}",
            "modelCache|{mountPath: /etc/mlapi, sizeLimit: 1Gi}",
            "autoscaling|{enabled: true, minReplicas: 1, maxReplicas: 3}", "autoscaling|{enabled: yes}", "autoscaling|{enabled: on}",
            "autoscaling|{enabled: true, minReplicas: 0}", "autoscaling|{enabled: true, targetCpuUtilization: 101}",
            "autoscaling|{enabled: true, targetCpuUtilization: 0}", "autoscaling|{enabled: true, targetMemoryUtilization: 80}",
            "autoscaling|{enabled: true, minReplicas: 2, maxReplicas: 2}", "autoscaling|{enabled: \"true\"}", "autoscaling|{enabled: false}",
            "disruptionBudget|{enabled: true, minAvailable: \"50%\"}", "disruptionBudget|{enabled: true, minAvailable: \"100%\"}",
            "disruptionBudget|{enabled: true, minAvailable: 1}", "disruptionBudget|{enabled: true, maxUnavailable: \"1.5\"}",
            "disruptionBudget|{enabled: true, maxUnavailable: 0}", "disruptionBudget|{enabled: true, maxUnavailable: \"101%\"}",
            "disruptionBudget|{enabled: true, maxUnavailable: \"25%\"}", "disruptionBudget|{enabled: true, maxUnavailable: \"0%\"}",
            "scheduling|{tolerations: [{key: a, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]}",
            "scheduling|{tolerations: [{key: a, operator: Equal, value: b, effect: NoSchedule, tolerationSeconds: 30}]}",
            "scheduling|{tolerations: [{key: a, operator: Exists, value: b}]}", "scheduling|{tolerations: [{operator: Exists}]}",
            "scheduling|{tolerations: [{key: \"a b\", operator: Exists}]}", "scheduling|{tolerations: [{key: a, value: \"" + "v".repeat(64) + "\"}]}",
            "scheduling|{nodeSelector: {a: b}}", "scheduling|{nodeSelector: {\"A B\": c}}", "scheduling|{nodeSelector: {a: on}}",
            "scheduling|{requiredNodeAffinity: [{key: a, operator: Gt, values: [\"1\"]}]}",
            "scheduling|{requiredNodeAffinity: [{key: a, operator: Gt, values: [x]}]}",
            "scheduling|{requiredNodeAffinity: [{key: a, operator: Exists, values: [x]}]}",
            "scheduling|{requiredNodeAffinity: [{key: a, operator: In, values: [\"a b\"]}]}",
            "scheduling|{requiredNodeAffinity: [{key: a, operator: Gt, values: [\"1\", \"2\"]}]}",
            "scheduling|{spreadAcrossZones: true, spreadAcrossNodes: true}",
            "networkPolicy|{allowFromNamespaces: [ingress-nginx]}", "networkPolicy|{allowFromNamespaces: [Ingress]}",
            "networkPolicy|{allowFromNamespaces: [a.b]}", "networkPolicy|{enabled: false}", "networkPolicy|{allowFromNamespaces: []}",
            "serviceAccount|{create: false, name: runner}", "serviceAccount|{create: false}", "serviceAccount|{name: Runner}",
            "serviceAccount|{annotations: {\"eks.amazonaws.com/role-arn\": \"arn:aws:iam::123456789012:role/x\"}}",
            "serviceAccount|{automountToken: true}", "serviceAccount|{name: a.b}",
            "ingress|{enabled: true, host: sentiment.example.com, className: nginx}", "ingress|{enabled: true, host: x.example.com, tlsSecret: Tls}",
            "ingress|{enabled: true, host: x.example.com, annotations: {\"nginx.ingress.kubernetes.io/rewrite-target\": /$2}}",
            "ingress|{enabled: true, host: x.example.com, className: Nginx}", "ingress|{enabled: false, host: \"%%\"}",
            "secrets|[{name: a, mountPath: /models, stackConfig: modelRegistryToken}]",
            "secrets|[{name: a, mountPath: /tmp, stackConfig: modelRegistryToken}]",
            "secrets|[{name: a, env: A, stackConfig: modelRegistryToken}, {name: b, env: B, stackConfig: modelRegistryToken}]",
            "secrets|[{name: A, env: A, stackConfig: modelRegistryToken}]", "secrets|[{name: a.b, mountPath: /s, stackConfig: modelRegistryToken}]",
            "secrets|[{name: a, mountPath: /s, stackConfig: modelRegistryToken}, {name: b, mountPath: /s, stackConfig: modelRegistryToken}]",
            "resources|{gpu: 1}", "resources|{gpu: -1}", "resources|{gpu: 1.5}", "resources|{gpu: 2147483648}",
            "resources|{requests: {ephemeralStorage: 1Gi}, limits: {ephemeralStorage: 1Gi}}",
            "resources|{limits: {ephemeralStorage: \"1e3\"}}", "resources|{requests: {cpu: \"1\", memory: 1Gi}, limits: {cpu: \"1\", memory: 1Gi}}",
            "resources|{requests: {cpu: 0.001}}", "resources|{requests: {cpu: 1.0}}");

    private final Random random;
    private final Map<String, String> bases;

    ConfigGenerator(long seed, Map<String, String> committedStackFiles) {
        this.random = new Random(seed);
        this.bases = new LinkedHashMap<>(committedStackFiles);
    }

    Generated next(int index) {
        List<String> stacks = List.copyOf(bases.keySet());
        String stack = stacks.get(random.nextInt(stacks.size()));
        String text = bases.get(stack);
        List<Mutation> mutations = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Mutation m = random.nextInt(4) == 0 ? yamlFeature() : value();
            if (keys.contains(m.key())) {
                continue;
            }
            keys.add(m.key());
            mutations.add(m);
            text = replaceKey(text, m.key(), m.yaml());
        }
        return new Generated(index, stack, text, mutations);
    }

    private Mutation value() {
        boolean leaf = random.nextInt(3) > 0;
        String[] entry = (leaf ? VALUES : BLOCKS).get(random.nextInt((leaf ? VALUES : BLOCKS).size())).split("\\|", 3);
        String path = entry[0];
        String yaml = entry[1];
        String top = path.split("\\.")[0];
        String block;
        if (path.contains(".")) {
            String[] parts = path.split("\\.");
            StringBuilder flow = new StringBuilder(yaml);
            for (int i = parts.length - 1; i >= 1; i--) {
                flow.insert(0, "{" + parts[i] + ": ").append('}');
            }
            block = "  mlapi:" + top + ": " + flow + "\n";
        } else {
            block = "  mlapi:" + top + ": " + yaml.replace("\n}", "}") + "\n";
        }
        Location at = LOCATIONS.get(path);
        String expected = entry.length == 3 ? entry[2] : written(yaml);
        return new Mutation(path + "=" + yaml, top, block, at == null || expected == null ? null : new Check(at, expected));
    }

    /** The text a scalar states: quotes removed; null for what is not a scalar. */
    static String written(String yaml) {
        if (yaml.startsWith("{") || yaml.startsWith("[") || yaml.equals("null") || yaml.equals("~")) {
            return null;
        }
        if (yaml.startsWith("\"") && yaml.endsWith("\"")) {
            return yaml.substring(1, yaml.length() - 1).replace("\\u00e9", "\u00e9").replace("\\n", "\n");
        }
        return yaml;
    }

    /** Whole-file YAML features: anchors, aliases, merge keys, duplicates, booleans-as-words, nulls, block text. */
    private Mutation yamlFeature() {
        Location label = new Location("Deployment", "/spec/template/metadata/labels/tier");
        Location env = new Location("Deployment", "env:MODE");
        return switch (random.nextInt(10)) {
            case 0 -> new Mutation("anchor and alias", "podLabels", "  mlapi:podLabels: &l {tier: gold}\n  mlapi:scheduling: {nodeSelector: *l}\n",
                    new Check(label, "gold"));
            case 1 -> new Mutation("merge key", "podLabels", "  mlapi:podAnnotations: &a {tier: silver}\n  mlapi:podLabels:\n    <<: *a\n    extra: x\n",
                    new Check(label, "silver"));
            case 2 -> new Mutation("duplicate key", "podLabels", "  mlapi:podLabels:\n    tier: a\n    tier: b\n", CLI_REFUSES);
            case 3 -> new Mutation("duplicate top-level key", "port", "  mlapi:port: 8080\n  mlapi:port: 9090\n", CLI_REFUSES);
            case 4 -> {
                String word = List.of("yes", "on", "off", "no", "y", "n").get(random.nextInt(6));
                yield new Mutation("word boolean label", "podLabels", "  mlapi:podLabels: {tier: " + word + "}\n", new Check(label, word));
            }
            case 5 -> new Mutation("block text env", "env", "  mlapi:env:\n    MODE: |\n      first\n      second\n", new Check(env, "first\nsecond\n"));
            case 6 -> new Mutation("folded text env", "env", "  mlapi:env:\n    MODE: >-\n      first\n      second\n", new Check(env, "first second"));
            case 7 -> {
                String number = List.of("0755", "0o17", "08", "0x1F", "1_000", "+1").get(random.nextInt(6));
                yield new Mutation("octal-looking env", "env", "  mlapi:env: {MODE: " + number + "}\n", new Check(env, number));
            }
            case 8 -> new Mutation("null value", "env", "  mlapi:env: {MODE: null}\n", null);
            default -> new Mutation("anchored scalar", "env", "  mlapi:env: {MODE: &m batch, OTHER: *m}\n", new Check(env, "batch"));
        };
    }

    /** The stack file with the top-level key's block replaced by {@code block} (or added). */
    static String replaceKey(String text, String key, String block) {
        List<String> out = new ArrayList<>();
        boolean skipping = false;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("  mlapi:" + key + ":")) {
                skipping = true;
                continue;
            }
            if (skipping && line.startsWith("    ")) {
                continue;
            }
            skipping = false;
            out.add(line);
        }
        String joined = String.join("\n", out);
        int config = joined.indexOf("config:\n");
        int insert = config + "config:\n".length();
        return joined.substring(0, insert) + block + joined.substring(insert);
    }
}
