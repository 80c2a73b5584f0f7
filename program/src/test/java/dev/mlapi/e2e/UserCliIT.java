package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import dev.mlapi.tools.StampedVersions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A user's own Pulumi CLI on the project, as the design promises: {@code pulumi preview} and
 * {@code pulumi up -s staging} from the root of a fresh copy (no jar built: the Java host builds
 * the program with Maven), by the pinned CLI called directly, outside ./mlapi, with a Pulumi home
 * and file backend of its own, the pinned provider and Java host installed into that home under
 * their versions, and the kubeconfig of a local cluster this test starts. No run, this one's or
 * ./mlapi's, prints a warning about plugins from $PATH or of an unexpected version.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserCliIT {
    private static final int PORT = Project.port(21443);
    /**
     * Parts of the engine's warnings about its plugins (pulumi sdk/go/common/workspace/plugins.go
     * and pkg/host/host.go): "using %s from $PATH at %s%s" and "resource plugin %s is expected to
     * have version >=%s, but has %s; the wrong version may be on your path, or this may be a bug in the plugin".
     */
    private static final List<String> PLUGIN_WARNINGS = List.of("from $PATH at", "is expected to have version", "may be a bug in the plugin");
    private static final String NS = "sentiment-api-staging";
    private static Project project;
    private static Path user;

    @BeforeAll
    static void copyProjectAndStartCluster() throws IOException {
        project = Project.fresh("user-cli", PORT);
        user = Files.createDirectories(project.dir.resolve("user"));
        // A fresh clone has no build output: nothing is built before the user's CLI runs.
        try (Stream<Path> target = Files.walk(project.dir.resolve("target"))) {
            target.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        project.mlapi("cluster", "up").assertOk("cluster up");
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    /** The version tools/build stamps into a binary. */
    private static String pinned(String binary) {
        return StampedVersions.of(project.dir, binary);
    }

    /**
     * The pinned CLI, called by its path as a user calls theirs, with a user's environment: their
     * PATH (Java and Maven; no plugin of the project on it), their own Pulumi home and backend,
     * the stack's passphrase and the cluster's kubeconfig. Tests download nothing, so the
     * engine's automatic plugin download is off: it finds the plugins installed below or fails.
     */
    private static Project.Result pulumi(String... args) {
        return pulumiOnPath(System.getenv("PATH"), args);
    }

    /** The same with this PATH (less the project's plugin folders). */
    private static Project.Result pulumiOnPath(String userPath, String... args) {
        String path = Arrays.stream(userPath.split(File.pathSeparator))
                .filter(dir -> !dir.contains(".tools/bin") && !dir.endsWith("/lib/bin"))
                .collect(Collectors.joining(File.pathSeparator));
        Map<String, String> env = new HashMap<>(Map.of(
                "PATH", path,
                "PULUMI_HOME", user.resolve("pulumi-home").toString(),
                "PULUMI_BACKEND_URL", "file://" + user.resolve("backend"),
                "PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE,
                "KUBECONFIG", project.home.resolve("cluster/kubeconfig").toString(),
                "PULUMI_SKIP_UPDATE_CHECK", "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true",
                "PULUMI_IGNORE_AMBIENT_PLUGINS", "false"));
        String[] command = Stream.concat(Stream.of(project.dir.resolve(".tools/bin/pulumi").toString()), Arrays.stream(args)).toArray(String[]::new);
        return project.command(env, command);
    }

    private static void assertNoPluginWarnings(String what, String output) {
        for (String warning : PLUGIN_WARNINGS) {
            assertFalse(output.contains(warning), what + " warns about its plugins (\"" + warning + "\"):\n" + output);
        }
    }

    @Test
    @Order(1)
    void thePinnedPluginsInstallUnderTheirVersions() throws IOException {
        Files.createDirectories(user.resolve("backend"));
        for (String[] plugin : List.of(new String[] {"resource", "kubernetes", "pulumi-resource-kubernetes"},
                new String[] {"language", "java", "pulumi-language-java"})) {
            pulumi("plugin", "install", plugin[0], plugin[1], pinned(plugin[2]), "--file", project.dir.resolve(".tools/bin/" + plugin[2]).toString())
                    .assertOk("plugin install " + plugin[1]);
        }
        Map<String, String> installed = new HashMap<>();
        for (JsonNode plugin : new JsonMapper().readTree(pulumi("plugin", "ls", "--json").assertOk("plugin ls").output())) {
            installed.put(plugin.path("kind").asText() + " " + plugin.path("name").asText(), plugin.path("version").asText());
        }
        assertEquals(Map.of("resource kubernetes", pinned("pulumi-resource-kubernetes"), "language java", pinned("pulumi-language-java")), installed);
    }

    @Test
    @Order(2)
    void previewFromTheRootBuildsTheProgramWithMaven() {
        pulumi("stack", "init", "staging", "--non-interactive").assertOk("stack init staging");
        String preview = pulumi("preview", "-s", "staging", "--non-interactive").assertOk("preview -s staging").output();
        assertTrue(preview.contains("kubernetes:apps/v1:Deployment") && preview.contains("create"), preview);
        assertNoPluginWarnings("preview -s staging", preview);
        assertTrue(Files.exists(project.dir.resolve("program/target/classes/dev/mlapi/App.class")), "the Java host compiled the program");
        assertFalse(Files.exists(project.dir.resolve("target/mlapi.jar")), "and needed no jar");
    }

    @Test
    @Order(3)
    void upFromTheRootCreatesStagingsObjectsWithTheBuiltProvider() {
        String up = pulumi("up", "-s", "staging", "--yes", "--non-interactive").assertOk("up -s staging").output();
        assertNoPluginWarnings("up -s staging", up);
        JsonNode deployment = project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS);
        assertTrue(deployment.at("/status/availableReplicas").asInt() >= 1, deployment.at("/status").toString());
        for (String kind : List.of("service", "serviceaccount", "networkpolicy", "pdb", "ingress")) {
            assertEquals(1, project.kubectlJson("get", kind, "-n", NS, "-l", "app.kubernetes.io/managed-by=pulumi").get("items").size(), kind + " in " + NS);
        }
        // The default provider the engine made is named after the version the program asked for.
        String state = pulumi("stack", "export", "-s", "staging").assertOk("stack export").output();
        String provider = "pulumi:providers:kubernetes::default_" + pinned("pulumi-resource-kubernetes").replace('.', '_');
        assertTrue(state.contains(provider), "no " + provider + " in the state:\n" + state);
    }

    @Test
    @Order(4)
    void theProjectCommandRunsTheSamePluginsWithoutWarnings() {
        String preview = project.mlapiWithTestPassphrase("preview", "staging").assertOk("./mlapi preview staging").output();
        assertNoPluginWarnings("./mlapi preview staging", preview);
        String plugins = project.mlapi("pulumi", "plugin", "ls").assertOk("./mlapi pulumi plugin ls").output();
        assertTrue(plugins.contains(pinned("pulumi-resource-kubernetes")) && plugins.contains(pinned("pulumi-language-java")), plugins);
    }

    /**
     * ./mlapi hands the Java host its prebuilt jar: with a Maven on PATH that fails, its preview
     * still runs, while the user's CLI, which builds the program with Maven, fails on it.
     */
    @Test
    @Order(5)
    void theProjectCommandRunsItsPrebuiltJarWithoutMaven() throws IOException {
        Path bin = Files.createDirectories(user.resolve("failing-maven"));
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho 'mvn was run' >&2\nexit 97\n");
        assertTrue(mvn.toFile().setExecutable(true));
        String path = bin + File.pathSeparator + System.getenv("PATH");
        project.mlapi(Map.of("PATH", path, "PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE), "preview", "staging")
                .assertOk("./mlapi preview staging with a failing mvn on PATH");
        Project.Result maven = pulumiOnPath(path, "preview", "-s", "staging", "--non-interactive");
        assertTrue(maven.exitCode() != 0 && maven.output().contains("mvn was run"), "the user's CLI ran Maven:\n" + maven.output());
    }

    /**
     * The jar ./mlapi built has a class-data archive made for it, and in a preview the program's
     * JVM, and no other, maps the program's classes from it. Every JVM of the preview logs its class
     * loads to a file of its own, with -Xshare:on: a JVM that cannot use its archive stops with an
     * error instead of ignoring it.
     */
    @Test
    @Order(6)
    void theProgramsJvmMapsTheClassDataArchiveTheBuildMade() throws IOException {
        Path jar = project.dir.resolve("target/mlapi.jar");
        Path archive = project.dir.resolve("target/mlapi.jsa");
        Path logs = Files.createDirectories(user.resolve("class-loads"));
        project.mlapi(Map.of("PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE,
                        "JAVA_TOOL_OPTIONS", "-Xshare:on -Xlog:class+load=info:file=" + logs + "/jvm-%p.log"), "preview", "staging")
                .assertOk("./mlapi preview staging, its JVMs logging their class loads");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0, "the archive is older than " + jar);
        Map<Boolean, List<Long>> mappedByProgram;
        try (Stream<Path> files = Files.list(logs)) {
            mappedByProgram = files.map(UserCliIT::read).collect(Collectors.partitioningBy(
                    log -> log.contains("dev.mlapi.App source:"),
                    Collectors.mapping(log -> log.lines().filter(l -> l.endsWith("source: shared objects file (top)")).count(), Collectors.toList())));
        }
        assertEquals(1, mappedByProgram.get(true).size(), "JVMs that ran the program: " + mappedByProgram);
        assertTrue(mappedByProgram.get(true).get(0) > 1000, "the program's JVM mapped " + mappedByProgram.get(true).get(0) + " classes from the archive");
        assertTrue(mappedByProgram.get(false).stream().allMatch(n -> n == 0), "other JVMs mapped classes from an archive: " + mappedByProgram.get(false));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
