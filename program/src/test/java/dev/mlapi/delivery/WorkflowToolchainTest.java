package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.tools.StampedVersions;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Tested = deployed: the workflows deploy with the CLI, Java host and Kubernetes provider that
 * tools/ builds and the tests ran, through ./mlapi, with the Go, JDK and Python the project pins.
 */
class WorkflowToolchainTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path GITHUB = Path.of(".github");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    private static final Pattern DIRECT_PULUMI = Pattern.compile("(^|[\\s;&|(`$])pulumi(\\s|$)", Pattern.MULTILINE);
    private static final Pattern MLAPI_ENGINE = Pattern.compile("\\./mlapi\\s+(up|preview|refresh|destroy|check-promotion|promote)\\b[^\\n]*");

    /** Every YAML file under .github, by path. */
    private static Map<Path, String> githubFiles() throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(GITHUB)) {
            for (Path file : all.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                files.put(file, Files.readString(file));
            }
        }
        return files;
    }

    /** Every step of every job and composite action, with the env its job gives it. */
    private record Step(Path file, String job, JsonNode node, Map<String, String> env) {
        String run() {
            return node.path("run").asText();
        }

        String uses() {
            return node.path("uses").asText();
        }
    }

    private static List<Step> steps() throws IOException {
        List<Step> steps = new ArrayList<>();
        for (var file : githubFiles().entrySet()) {
            JsonNode root = YAML.readTree(file.getValue());
            root.path("jobs").properties().forEach(job -> job.getValue().path("steps").forEach(step -> {
                Map<String, String> env = new LinkedHashMap<>();
                root.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                job.getValue().path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                step.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                steps.add(new Step(file.getKey(), job.getKey(), step, env));
            }));
            root.at("/runs/steps").forEach(step -> {
                Map<String, String> env = new LinkedHashMap<>();
                step.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                steps.add(new Step(file.getKey(), "(composite action)", step, env));
            });
        }
        return steps;
    }

    @Test
    void noOtherPulumiIsInstalledAndEveryPulumiOperationGoesThroughMlapi() throws IOException {
        String cli = toolVersion("pulumi");
        for (var file : githubFiles().entrySet()) {
            String text = file.getValue();
            assertFalse(text.contains("pulumi/actions") || text.contains("pulumi-version") || text.contains("get.pulumi.com"),
                    file.getKey() + " installs a Pulumi CLI of its own; ./mlapi builds the pinned one (tools/pulumi)");
            for (String line : text.lines().filter(l -> l.toLowerCase().contains("pulumi")).toList()) {
                Matcher version = VERSION.matcher(line);
                while (version.find()) {
                    assertEquals(cli, version.group(), file.getKey() + " names another Pulumi version: " + line.trim());
                }
            }
        }
        for (Step step : steps()) {
            assertFalse(DIRECT_PULUMI.matcher(step.run()).find(),
                    step.file() + " job " + step.job() + " calls pulumi itself, not through ./mlapi: " + step.run());
        }
    }

    @Test
    void stepsOnARealClusterNameTheTeamBackendAndTheirKubeconfigAndApplyWithYes() throws IOException {
        int engineSteps = 0;
        for (Step step : steps()) {
            Matcher engine = MLAPI_ENGINE.matcher(step.run());
            while (engine.find()) {
                engineSteps++;
                String where = step.file() + " job " + step.job() + ": " + engine.group();
                boolean real = step.env().containsKey("MLAPI_KUBECONFIG");
                if (real) {
                    assertEquals("${{ vars.PULUMI_BACKEND_URL }}", step.env().get("PULUMI_BACKEND_URL"),
                            where + " runs on a real cluster without the team backend");
                } else {
                    assertEquals("preview", engine.group(1), where + " needs MLAPI_KUBECONFIG: only a preview runs on the runner's own cluster");
                    assertFalse(step.env().containsKey("PULUMI_BACKEND_URL"), where);
                }
                if (Set.of("up", "refresh", "destroy").contains(engine.group(1))) {
                    assertTrue(engine.group().contains("--yes"), where + " applies without --yes, so it would wait for a terminal");
                }
                assertFalse(engine.group().contains("--show-secrets"), where);
            }
        }
        assertTrue(engineSteps >= 5, "deploy, promotion gate, previews and drift: " + engineSteps);
    }

    @Test
    void goJdkAndPythonAreTheOnesTheProjectPins() throws IOException, InterruptedException {
        String toolchain = Files.readString(Path.of("connection-test/go.mod")).lines()
                .filter(l -> l.startsWith("toolchain go")).findFirst().orElseThrow().substring("toolchain go".length()).trim();
        List<Path> goMods = new ArrayList<>(List.of(Path.of("connection-test/go.mod")));
        try (Stream<Path> mods = Files.list(Path.of("tools"))) {
            mods.map(d -> d.resolve("go.mod")).filter(Files::exists).sorted().forEach(goMods::add);
        }
        for (Path mod : goMods) {
            for (String line : Files.readString(mod).lines().filter(l -> l.matches("^(go|toolchain) .*")).toList()) {
                String version = line.replaceAll("^(go|toolchain go?)\\s*", "").trim();
                assertTrue(compareVersions(version, toolchain) <= 0,
                        mod + " asks for Go " + version + ", newer than " + toolchain + ": go would fetch another toolchain");
            }
        }
        // .github/pins reads each version from where it is written; every setup step takes it from there.
        Process pins = new ProcessBuilder(".github/pins").redirectErrorStream(true).start();
        String read = new String(pins.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, pins.waitFor(), read);
        String javaRelease = Files.readString(Path.of("pom.xml")).replaceAll("(?s).*<maven.compiler.release>(\\d+)</maven.compiler.release>.*", "$1");
        String python = Files.readString(Path.of("lib/image.sh")).replaceAll("(?s).*\n\\s*image_python=([0-9.]+)\n.*", "$1");
        assertEquals("java=" + javaRelease + "\ngo=" + toolchain + "\npython=" + python + "\n", read);
        Map<String, String> setupInputs = Map.of("actions/setup-go@", "go-version", "actions/setup-java@", "java-version", "actions/setup-python@", "python-version");
        Map<String, String> pinOutputs = Map.of("go-version", "go", "java-version", "java", "python-version", "python");
        int setups = 0;
        for (Step step : steps()) {
            for (var setup : setupInputs.entrySet()) {
                if (step.uses().startsWith(setup.getKey())) {
                    String input = setup.getValue();
                    String pinsStep = steps().stream()
                            .filter(s -> s.file().equals(step.file()) && s.job().equals(step.job()) && s.run().matches("(?s)\"?(\\$GITHUB_ACTION_PATH/\\.\\./\\.\\./|\\.github/)pins\"? >> \"\\$GITHUB_OUTPUT\"\\s*"))
                            .map(s -> s.node().path("id").asText()).findFirst().orElse("(none)");
                    assertEquals("${{ steps." + pinsStep + ".outputs." + pinOutputs.get(input) + " }}", step.node().at("/with/" + input).asText(),
                            step.file() + ": " + input + " from .github/pins, not written again");
                    setups += input.equals("go-version") ? 1 : 0;
                }
            }
        }
        assertTrue(setups >= 1, "no workflow sets up Go");
    }

    @Test
    void theToolsCacheIsKeyedByEveryPinToolsBuildReads() throws IOException {
        List<Step> caches = steps().stream()
                .filter(s -> s.uses().startsWith("actions/cache@") && s.node().at("/with/path").asText().contains(".cache/mlapi-tools"))
                .toList();
        assertFalse(caches.isEmpty(), "the tools are not cached");
        Set<Path> pins = pinFiles();
        for (Step cache : caches) {
            String key = cache.node().at("/with/key").asText();
            List<PathMatcher> patterns = hashFilesPatterns(key);
            for (Path pin : pins) {
                assertTrue(patterns.stream().anyMatch(p -> p.matches(pin)), cache.file() + ": the key " + key + " does not cover " + pin);
            }
            assertTrue(key.contains("go-version") && key.contains("python-version"),
                    cache.file() + ": tools/build keys each build by the Go and Python that built it; so must the cache: " + key);
        }
    }

    /** The files tools/build's module_key reads: each module's pins and sources, the -r includes, and tools.txt. */
    private static Set<Path> pinFiles() throws IOException {
        Set<Path> pins = new TreeSet<>(List.of(Path.of("tools/tools.txt")));
        try (Stream<Path> modules = Files.list(Path.of("tools"))) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(module)) {
                    files.filter(f -> f.getFileName().toString().matches("go\\.mod|go\\.sum|.*\\.go|prepare|requirements\\.txt")).forEach(pins::add);
                }
                Path requirements = module.resolve("requirements.txt");
                if (Files.exists(requirements)) {
                    for (String line : Files.readString(requirements).lines().filter(l -> l.startsWith("-r")).toList()) {
                        pins.add(Path.of("").toAbsolutePath().relativize(module.resolve(line.substring(2).trim()).toAbsolutePath().normalize()));
                    }
                }
            }
        }
        return pins;
    }

    /** The glob patterns of hashFiles(...) in a cache key, with format('{0}/...', <project-dir>) read as the project root. */
    private static List<PathMatcher> hashFilesPatterns(String key) {
        List<PathMatcher> matchers = new ArrayList<>();
        Matcher call = Pattern.compile("hashFiles\\((.*?)\\)\\s*}}").matcher(key);
        while (call.find()) {
            Matcher literal = Pattern.compile("'([^']*)'").matcher(call.group(1));
            while (literal.find()) {
                String glob = literal.group(1).replace("{0}/", "");
                if (glob.contains("/") || glob.contains("*")) {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
                }
            }
        }
        return matchers;
    }

    private static String toolVersion(String binary) {
        return StampedVersions.of(binary);
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
