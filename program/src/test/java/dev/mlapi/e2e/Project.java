package dev.mlapi.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A copy of the project in a temporary folder, driven through its own ./mlapi command the way a
 * user drives it, against a cluster and state of its own (other ports than a developer's).
 */
final class Project {
    static final String TEST_PASSPHRASE = "e2e-test-passphrase";
    private static final JsonMapper JSON = new JsonMapper();
    private static final List<String> COPIED = List.of("mlapi", "lib", "tools", "pom.xml", "component/pom.xml", "component/src", "component/PulumiPlugin.yaml",
            "program/pom.xml", "program/src", "Pulumi.yaml",
            "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "target/mlapi.jar", ".tools", "reference-api", "connection-test");

    final Path dir;
    final Path home;
    private final int apiServerPort;

    private Project(Path dir, int apiServerPort) {
        this.dir = dir;
        this.home = dir.resolve(".state");
        this.apiServerPort = apiServerPort;
    }

    /**
     * A test class's API server port, moved by {@code MLAPI_IT_PORT_OFFSET} so that two working
     * copies can run their end-to-end tests on one machine at once (each cluster's ports, node
     * network namespace and cgroups follow from it). Every class has its own, below the kernel's
     * ephemeral ports, which the other classes' clients and plugins running at the same time take
     * (ItPortsTest).
     */
    static int port(int base) {
        return base + Integer.parseInt(System.getenv().getOrDefault("MLAPI_IT_PORT_OFFSET", "0"));
    }

    /**
     * A fresh copy of the working tree's project under target/{@code folder}, with its own
     * cluster ports; each test class has a folder and ports of its own. A cluster left there by
     * an interrupted run is stopped before its files go.
     */
    static Project fresh(String folder, int apiServerPort) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path dir = root.resolve("target").resolve(folder);
        if (Files.exists(dir.resolve("mlapi"))) {
            new Project(dir, apiServerPort).mlapi("cluster", "delete");
        }
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return copy(root, Files.createDirectories(dir), apiServerPort);
    }

    /** Stops the copy's cluster; no process of it is left. */
    void stop() {
        mlapi("cluster", "down");
    }

    private static Project copy(Path source, Path into, int apiServerPort) throws IOException {
        for (String entry : COPIED) {
            Path from = source.resolve(entry);
            if (!Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException(from + " is missing; run ./mlapi test, which builds it first");
            }
            try (Stream<Path> tree = Files.walk(from)) {
                for (Path p : (Iterable<Path>) tree::iterator) {
                    Path to = into.resolve(source.relativize(p));
                    if (Files.isSymbolicLink(p)) {
                        Files.createDirectories(to.getParent());
                        Files.createSymbolicLink(to, Files.readSymbolicLink(p));
                    } else if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        // The copied jar is newer than the copied sources, so ./mlapi does not rebuild it.
        Files.setLastModifiedTime(into.resolve("target/mlapi.jar"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        return new Project(into, apiServerPort);
    }

    record Result(int exitCode, String output) {
        Result assertOk(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    Result mlapi(String... args) {
        return mlapi(Map.of(), args);
    }

    /** Staging and production are not the dev stack: their copies here use a test passphrase. */
    Result mlapiWithTestPassphrase(String... args) {
        return mlapi(Map.of("PULUMI_CONFIG_PASSPHRASE", TEST_PASSPHRASE), args);
    }

    Result mlapi(Map<String, String> env, String... args) {
        return mlapiWithInput(env, "", args);
    }

    /** Another command than ./mlapi, run in the copy's root with these environment variables set. */
    Result command(Map<String, String> env, String... command) {
        return run(List.of(command), env, "");
    }

    /** The command with {@code input} on its standard input, as {@code ./mlapi seal} takes a value. */
    Result mlapiWithInput(String input, String... args) {
        return mlapiWithInput(Map.of(), input, args);
    }

    /**
     * The command on a pseudo-terminal, as a person runs it: once {@code prompt} appears, types
     * {@code answer} and Enter (src/test/resources/dev/mlapi/shell/terminal.py).
     */
    Result mlapiOnTerminal(Map<String, String> env, String prompt, String answer, String... args) {
        List<String> command = new ArrayList<>(List.of("python3", Path.of("program/src/test/resources/dev/mlapi/shell/terminal.py").toAbsolutePath().toString(),
                "--answer", prompt, answer, "--timeout", "600", "--", "./mlapi"));
        command.addAll(List.of(args));
        return run(command, env, "");
    }

    /**
     * The places outside the cluster that hold the text: the given engine output, the stack's
     * export and outputs, its state and Pulumi home folders, the project's tracked files and the
     * stack's rendered manifests. A secret must be in none of them.
     */
    List<String> placesHolding(String text, String stack, String engineOutput) throws IOException {
        List<String> places = new ArrayList<>();
        if (engineOutput.contains(text)) {
            places.add("engine output");
        }
        if (mlapi("pulumi", "stack", "export", "--stack", stack).assertOk("stack export").output().contains(text)) {
            places.add("stack export");
        }
        if (mlapi("output", stack, "--json").assertOk("stack output").output().contains(text)) {
            places.add("stack outputs");
        }
        mlapi("render", stack, "rendered-" + stack).assertOk("render " + stack);
        for (String folder : List.of(".state/backend", ".state/pulumi-home", "Pulumi." + stack + ".yaml", "Pulumi.yaml", "component", "program", "lib", "mlapi",
                "rendered-" + stack)) {
            places.addAll(filesContaining(dir.resolve(folder), text));
        }
        return places;
    }

    private static List<String> filesContaining(Path root, String text) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
    }

    Result kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", home.resolve("cluster/kubeconfig").toString()));
        command.addAll(List.of(args));
        return run(command, Map.of(), "");
    }

    JsonNode kubectlJson(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-o", "json"));
        String out = kubectl(all.toArray(String[]::new)).assertOk("kubectl " + String.join(" ", args)).output();
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out, e);
        }
    }

    /**
     * A command inside the network namespace of the cluster's real node, where the pod and Service
     * addresses of this cluster live (and nowhere else).
     */
    Result inNode(String... args) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/mlapi-" + apiServerPort));
        command.addAll(List.of(args));
        return run(command, Map.of(), "");
    }

    /**
     * A new build of the reference API in this copy: a changed source file, so ./mlapi builds a
     * new image (one build serves every test that asks, through the image cache).
     */
    void changeTheReferenceApi() throws IOException {
        Path init = dir.resolve("reference-api/mlapi_reference/__init__.py");
        Files.writeString(init, Files.readString(init) + "# a new build for the end-to-end tests\n");
    }

    /** The name of the cluster's real node's network namespace. */
    String nodeNetns() {
        return "mlapi-" + apiServerPort;
    }

    String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    void write(String file, String content) throws IOException {
        Files.writeString(dir.resolve(file), content);
    }

    /** The command with {@code input} on its standard input, in the given environment. */
    Result mlapiWithInput(Map<String, String> env, String input, String... args) {
        List<String> command = new ArrayList<>(List.of("./mlapi"));
        command.addAll(List.of(args));
        return run(command, env, input);
    }

    /**
     * ./mlapi in a process group of its own (setsid), as a shell runs a command, its output going
     * to {@code log}: for tests that kill the whole command at once.
     */
    Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", "./mlapi"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb, env);
        return pb.start();
    }

    private void environment(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().put("MLAPI_HOME", home.toString());
        pb.environment().put("MLAPI_APISERVER_PORT", Integer.toString(apiServerPort));
        pb.environment().put("MLAPI_ETCD_PORT", Integer.toString(apiServerPort - 4064));
        pb.environment().remove("PULUMI_CONFIG_PASSPHRASE");
        pb.environment().putAll(env);
    }

    private Result run(List<String> command, Map<String, String> env, String input) {
        try {
            Path log = Files.createTempFile(dir, "run", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Path stdin = null;
            if (!input.isEmpty()) {
                stdin = Files.writeString(Files.createTempFile(dir, "stdin", ".txt"), input);
                pb.redirectInput(stdin.toFile());
            }
            environment(pb, env);
            Process process = pb.start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(command + " timed out");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (stdin != null) {
                Files.delete(stdin);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
