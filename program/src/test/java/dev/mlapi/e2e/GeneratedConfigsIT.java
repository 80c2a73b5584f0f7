package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlapi.App;
import dev.mlapi.config.InvalidConfigException;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import dev.mlapi.e2e.ConfigGenerator.Check;
import dev.mlapi.e2e.ConfigGenerator.Generated;
import dev.mlapi.policy.MockedDeployment;
import dev.mlapi.policy.RestrictedPodSecurity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The product promise, checked on generated stack files: whatever validate accepts, the API
 * server accepts, and it means what was written. Configs are mutations of the committed stack
 * files ({@link ConfigGenerator}), seeded: the same 600 on every run unless
 * -Dmlapi.generated.seed and -Dmlapi.generated.count ask for others.
 * Each is validated in-process; each accepted one is rendered under the SDK's mocks, its objects
 * meet a server-side dry run on the local cluster's API server (nothing is deployed; the
 * namespaces they live in are created for real first), and the values mutated are read back
 * from the rendered objects.
 */
class GeneratedConfigsIT {
    private static final JsonMapper JSON = new JsonMapper();
    private static final int PORT = Project.port(31443);
    private static final long SEED = Long.getLong("mlapi.generated.seed", 20250101L);
    private static final int COUNT = Integer.getInteger("mlapi.generated.count", 600);
    private static final Pattern PROXY = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    /** The REST collection of each kind the program makes. */
    private static final Map<String, String> COLLECTIONS = Map.ofEntries(
            Map.entry("v1/Namespace", "/api/v1/namespaces"), Map.entry("v1/ServiceAccount", "/api/v1/namespaces/%s/serviceaccounts"),
            Map.entry("v1/Secret", "/api/v1/namespaces/%s/secrets"), Map.entry("v1/ConfigMap", "/api/v1/namespaces/%s/configmaps"),
            Map.entry("v1/Service", "/api/v1/namespaces/%s/services"), Map.entry("apps/v1/Deployment", "/apis/apps/v1/namespaces/%s/deployments"),
            Map.entry("batch/v1/Job", "/apis/batch/v1/namespaces/%s/jobs"),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers"),
            Map.entry("policy/v1/PodDisruptionBudget", "/apis/policy/v1/namespaces/%s/poddisruptionbudgets"),
            Map.entry("networking.k8s.io/v1/Ingress", "/apis/networking.k8s.io/v1/namespaces/%s/ingresses"),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", "/apis/networking.k8s.io/v1/namespaces/%s/networkpolicies"));
    private static Project project;
    private static Process proxy;
    private static String apiServer;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startCluster() throws IOException {
        project = Project.fresh("generated", PORT);
        project.mlapi("cluster", "up").assertOk("cluster up");
        // A proxy on loopback speaks to the API server with the kubeconfig's client certificate.
        proxy = new ProcessBuilder("kubectl", "--kubeconfig", project.home.resolve("cluster/kubeconfig").toString(), "proxy", "--port=0",
                "--address=127.0.0.1").redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher port = PROXY.matcher(line == null ? "" : line);
        assertTrue(port.find(), "kubectl proxy said: " + line);
        apiServer = "http://127.0.0.1:" + port.group(1);
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (proxy != null) {
            proxy.destroy();
            proxy.waitFor(10, TimeUnit.SECONDS);
        }
        if (project != null) {
            project.stop();
        }
    }

    /** A config whose objects were rendered, with the namespace its namespaced objects are tried in. */
    private record Rendered(Generated config, List<ObjectNode> objects, String namespace) {}

    private record Mismatch(String cause, Generated config, String detail) {}

    @Test
    void whatValidateAcceptsTheApiServerAcceptsAndItMeansWhatWasWritten() throws Exception {
        long start = System.nanoTime();
        System.out.println("generated configs: seed " + SEED + ", count " + COUNT
                + " (repeat with -Dmlapi.generated.seed=" + SEED + " -Dmlapi.generated.count=" + COUNT + ")");
        Map<String, String> bases = new LinkedHashMap<>();
        for (String stack : List.of("dev", "staging", "production")) {
            bases.put(stack, Files.readString(StackFile.path(Path.of(""), stack)));
        }
        ConfigGenerator generator = new ConfigGenerator(SEED, bases);
        Path root = Files.createDirectories(project.dir.resolve("generated-configs"));
        List<Mismatch> mismatches = new ArrayList<>();
        List<Rendered> rendered = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < COUNT; i++) {
            Generated config = generator.next(i);
            Path dir = Files.createDirectories(root.resolve(Integer.toString(i)));
            Files.writeString(StackFile.path(dir, config.stack()), config.text());
            try {
                StackConfigLoader.load(StackFile.read(dir, config.stack()).source(ciphertext -> "encrypted"));
            } catch (InvalidConfigException e) {
                refused++;
                continue;
            } catch (RuntimeException e) {
                mismatches.add(new Mismatch("validate threw " + e.getClass().getSimpleName() + " instead of reporting", config, String.valueOf(e.getMessage())));
                continue;
            }
            if (config.mutations().stream().anyMatch(m -> m.check() == ConfigGenerator.CLI_REFUSES)) {
                mismatches.add(new Mismatch("validate accepts a file the Pulumi CLI refuses (a key stated twice)", config, ""));
                continue;
            }
            MockedDeployment.Result run = MockedDeployment.run(dir, config.stack(), ciphertext -> "encrypted", App.program(dir));
            if (!run.result().exceptions().isEmpty()) {
                mismatches.add(new Mismatch("the program fails under mocks after validate accepted", config, run.result().exceptions().toString()));
                continue;
            }
            List<ObjectNode> objects = run.resources().stream().filter(r -> r.type().startsWith("kubernetes:"))
                    .map(r -> (ObjectNode) asTheProviderSendsIt(r.inputs().deepCopy())).toList();
            if (objects.stream().anyMatch(o -> !RestrictedPodSecurity.violations(o).isEmpty())) {
                refused++; // validate's Pod Security check refuses it
                continue;
            }
            for (var m : config.mutations()) {
                if (m.check() != null && m.check().at() != null) {
                    meaning(m.check(), objects).ifPresent(wrong -> mismatches.add(new Mismatch(
                            "rendered differently from what was written: " + m.key(), config, m.label() + ": " + wrong)));
                }
            }
            rendered.add(new Rendered(config, objects, "gen-" + i));
        }
        long renderedAt = System.nanoTime();
        int dryRunAccepted = dryRun(rendered, mismatches);
        long done = System.nanoTime();

        Map<String, List<Mismatch>> byCause = new TreeMap<>();
        for (Mismatch m : mismatches) {
            byCause.computeIfAbsent(m.cause(), k -> new ArrayList<>()).add(m);
        }
        StringBuilder table = new StringBuilder("\n| configs tried | accepted by validate | refused by validate | dry run accepted | mismatches |\n| --- | --- | --- | --- | --- |\n")
                .append("| ").append(COUNT).append(" | ").append(rendered.size()).append(" | ").append(refused).append(" | ")
                .append(dryRunAccepted).append(" | ").append(mismatches.size()).append(" |\n\n| mismatch cause | configs | first example |\n| --- | --- | --- |\n");
        byCause.forEach((cause, list) -> table.append("| ").append(cause).append(" | ").append(list.size()).append(" | #")
                .append(list.get(0).config().index()).append(' ').append(list.get(0).config().stack()).append(' ')
                .append(list.get(0).config().mutations().stream().map(ConfigGenerator.Mutation::label).toList()).append(": ")
                .append(list.get(0).detail().replace("\n", " ")).append(" |\n"));
        table.append(String.format("%nvalidate and render: %.1f s; dry runs: %.1f s; seed %d%n", (renderedAt - start) / 1e9, (done - renderedAt) / 1e9, SEED));
        System.out.println(table);

        assertTrue(COUNT < 500 || rendered.size() >= COUNT / 10, "too few configs accepted to test anything: " + rendered.size());
        assertEquals(List.of(), List.copyOf(byCause.keySet()), "validate accepted what the API server refuses or what means something else (see the table above; seed " + SEED + ")");
    }

    /** What the written value became, when it is not what was written. */
    private static java.util.Optional<String> meaning(Check check, List<ObjectNode> objects) {
        for (ObjectNode object : objects) {
            if (!object.path("kind").asText().equals(check.at().kind())) {
                continue;
            }
            String pointer = check.at().pointer();
            JsonNode actual;
            if (pointer.startsWith("env:")) {
                actual = null;
                for (JsonNode env : object.at("/spec/template/spec/containers/0/env")) {
                    if (env.path("name").asText().equals(pointer.substring(4))) {
                        actual = env.path("value");
                    }
                }
            } else {
                actual = object.at(pointer);
            }
            if (actual == null || actual.isMissingNode()) {
                return java.util.Optional.empty(); // not rendered here (say, a setting another mutation turned off)
            }
            String expected = check.expected();
            String text = actual.asText();
            boolean same = pointer.endsWith("/image") ? text.endsWith(":" + expected) || text.contains("@")
                    : text.equals(expected) || numeric(text) != null && numeric(expected) != null && numeric(text).compareTo(numeric(expected)) == 0;
            return same ? java.util.Optional.empty() : java.util.Optional.of("written " + expected + ", rendered " + text);
        }
        return java.util.Optional.empty();
    }

    private static BigDecimal numeric(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Secret outputs unwrapped, and whole numbers as the provider sends them (the SDK holds every number as a double). */
    private static JsonNode asTheProviderSendsIt(JsonNode node) {
        if (node.isObject() && node.has("4dabf18193072939515e22adb298388d")) {
            return asTheProviderSendsIt(node.get("value"));
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<String> names = new ArrayList<>();
            fields.forEachRemaining(e -> names.add(e.getKey()));
            names.forEach(n -> object.set(n, asTheProviderSendsIt(object.get(n))));
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, asTheProviderSendsIt(array.get(i)));
            }
            return array;
        }
        if (node.isDouble() && node.doubleValue() == Math.rint(node.doubleValue()) && Math.abs(node.doubleValue()) < 9e15) {
            long whole = (long) node.doubleValue();
            return whole == (int) whole ? IntNode.valueOf((int) whole) : LongNode.valueOf(whole);
        }
        return node;
    }

    /**
     * Creates each config's namespace for real (a dry run of it would not make it exist for the
     * rest), then sends every object as a server-side dry run, a few at a time. Returns the
     * number of configs all of whose objects were accepted.
     */
    private static int dryRun(List<Rendered> rendered, List<Mismatch> mismatches) throws Exception {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Semaphore inFlight = new Semaphore(8);
        for (Rendered r : rendered) {
            ObjectNode ns = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", r.namespace()).putObject("labels").put("mlapi.dev/generated", "true");
            HttpResponse<String> created = post("/api/v1/namespaces", ns);
            assertTrue(created.statusCode() == 201 || created.statusCode() == 409, created.body());
        }
        Map<Integer, List<String>> refusals = new java.util.concurrent.ConcurrentHashMap<>();
        for (Rendered r : rendered) {
            for (ObjectNode object : r.objects()) {
                String kind = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
                String collection = COLLECTIONS.get(kind);
                if (collection == null) {
                    continue; // custom resources of secret operators, not installed here
                }
                ObjectNode sent = object.deepCopy();
                if (!kind.equals("v1/Namespace")) {
                    sent.with("metadata").put("namespace", r.namespace());
                }
                if (!sent.path("metadata").has("name")) {
                    sent.with("metadata").put("generateName", "gen-");
                }
                inFlight.acquire();
                pending.add(send(collection.formatted(r.namespace()) + "?dryRun=All", sent).whenComplete((response, error) -> {
                    inFlight.release();
                    if (error != null) {
                        refusals.computeIfAbsent(r.config().index(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(kind + ": " + error);
                    } else if (response.statusCode() >= 300) {
                        refusals.computeIfAbsent(r.config().index(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(cause(kind, response.body()));
                    }
                }).thenApply(response -> null));
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        int accepted = 0;
        for (Rendered r : rendered) {
            List<String> causes = refusals.get(r.config().index());
            if (causes == null) {
                accepted++;
            } else {
                causes.stream().distinct().forEach(c -> mismatches.add(new Mismatch("API server refuses: " + c, r.config(), c)));
            }
        }
        project.kubectl("delete", "namespace", "-l", "mlapi.dev/generated=true", "--wait=false");
        return accepted;
    }

    /** The server's reason without the values of this config: kind, field and message. */
    private static String cause(String kind, String body) {
        try {
            JsonNode status = JSON.readTree(body);
            List<String> causes = new ArrayList<>();
            for (JsonNode c : status.at("/details/causes")) {
                causes.add(c.path("field").asText().replaceAll("\\[[^\\]]*]", "[]") + ": "
                        + c.path("message").asText().replaceAll("^Invalid value: (\"[^\"]*\"|\\S+): ", "").replaceAll("\"[^\"]*\"", "\"…\""));
            }
            return kind + " " + (causes.isEmpty() ? status.path("message").asText().replaceAll("\"[^\"]*\"", "\"…\"") : String.join("; ", causes));
        } catch (IOException e) {
            return kind + " " + body;
        }
    }

    private static HttpResponse<String> post(String path, JsonNode body) throws IOException, InterruptedException {
        return HTTP.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> send(String path, JsonNode body) {
        return HTTP.sendAsync(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path, JsonNode body) {
        return HttpRequest.newBuilder(URI.create(apiServer + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }
}
