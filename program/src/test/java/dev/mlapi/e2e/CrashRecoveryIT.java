package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./mlapi up staging} killed with {@code kill -9} (its whole process group, then the
 * plugins the engine started in groups of their own, as a reboot would) at several points, each
 * found from what the run leaves to see (the jar being written, the lock file, the checkpoint's
 * pending operations, objects in the cluster), never from a sleep. After each kill, the next
 * {@code ./mlapi up staging} must succeed with no manual step, say what it recovered, and leave
 * a state that matches the cluster: no lock, no pending operation, a preview with no change, and
 * exactly the objects the state holds. Staging runs on the simulated nodes; its pods become ready
 * 10 s after they are scheduled, so that rollouts last long enough to be caught.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
    private static final String NS = "sentiment-api-staging";
    private static final int PORT = Project.port(22443);
    private static final Map<String, String> ENV = Map.of("PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE);
    private static final JsonMapper JSON = new JsonMapper();
    private static final String KINDS = "configmaps,secrets,serviceaccounts,services,deployments,jobs,poddisruptionbudgets,networkpolicies,ingresses";
    private static final List<String> REPORT = new ArrayList<>();
    private static Project project;
    private static String stackFile;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("crash-recovery", PORT);
        stackFile = project.read("Pulumi.staging.yaml") + String.join("\n",
                "  mlapi:probes:",
                "    modelLoadTimeoutSeconds: 10",
                "  mlapi:podAnnotations:",
                "    mlapi.dev/simulated-ready-after: 10s",
                "  mlapi:configMap:", // auto-named: a create the killed run made must not stay beside the next one's
                "    data: {labels.json: '[\"neg\",\"pos\"]'}",
                "    mountPath: /etc/mlapi",
                "");
        project.write("Pulumi.staging.yaml", stackFile);
    }

    @AfterAll
    static void stopCluster() {
        REPORT.forEach(System.out::println);
        if (project != null) {
            project.stop();
        }
    }

    @Test
    @Order(1)
    void killedWhileTheBuildWritesTheProgramJar() throws Exception {
        // A new class, so that the build's jar differs from the last one (a comment alone leaves it byte for byte the same).
        Path source = Files.writeString(project.dir.resolve("program/src/main/java/dev/mlapi/CrashRecoveryBuild.java"),
                "package dev.mlapi;\n\nfinal class CrashRecoveryBuild {}\n");
        Path jar = project.dir.resolve("target/mlapi.jar");
        // Written milliseconds after the copy stamped the jar, the source can carry the same or an
        // earlier time (the kernel stamps files from a coarse clock): a change made after the build.
        Instant changed = Files.getLastModifiedTime(jar).toInstant().plusSeconds(1);
        Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.from(changed));
        Run run = Run.start();
        // The shade plugin rewrites the jar in place: from its first write the file is newer than
        // the change and no longer a whole zip, until the build ends.
        run.killWhen("the build writes target/mlapi.jar", Duration.ofMinutes(10), () -> run.hasProcess("plexus-classworlds")
                && Files.exists(jar) && Files.getLastModifiedTime(jar).toInstant().isAfter(changed) && !wholeJar(jar)
                ? Optional.of(jar) : Optional.empty());
        assertFalse(wholeJar(jar), "the kill left the jar broken");
        String left = "a jar of " + Files.size(jar) + " bytes, newer than its sources, whose zip directory does not lead to its entries";

        Project.Result up = recover("a: during the program's build", left);
        assertTrue(up.output().contains("was cut short by an interrupted build; it is built again"), up.output());
        assertTrue(wholeJar(jar));
    }

    @Test
    @Order(2)
    void killedRightAfterTheEngineTookTheLock() throws Exception {
        Run run = Run.start();
        Path lock = run.killWhen("pulumi up takes the stack's lock", Duration.ofMinutes(5), CrashRecoveryIT::lockOfAnUp);
        assertTrue(Files.exists(lock), "the kill left the lock " + lock);

        Project.Result up = recover("b: right after the engine took the lock", leftBehind());
        assertTrue(up.output().contains("recover: cleared the lock on stack staging taken by"), up.output());
        assertTrue(up.output().contains("which is no longer running"), up.output());
    }

    @Test
    @Order(3)
    void killedWhileAnUpdateRollsOutANewImage() throws Exception {
        String digest = "sha256:9f2c1e7d3b4a5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
        String next = "sha256:" + "0123456789abcdef".repeat(4);
        stackFile = stackFile.replace(digest, next);
        project.write("Pulumi.staging.yaml", stackFile);
        Run run = Run.start();
        run.killWhen("the Deployment's update waits for its rollout of the new image", Duration.ofMinutes(5),
                () -> pending("updating", "kubernetes:apps/v1:Deployment").filter(op -> rollingOut(next)));

        Project.Result up = recover("e: during an update of the stack (new image), while the Deployment rolls out", leftBehind());
        assertTrue(up.output().contains("updating kubernetes:apps/v1:Deployment sentiment-api: read back from the cluster"), up.output());
        assertTrue(up.output().contains("recover: pulumi refresh --skip-pending-creates --stack staging"), up.output());
        assertTrue(project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS)
                .at("/spec/template/spec/containers/0/image").asText().endsWith(next));
    }

    @Test
    @Order(4)
    void killedWhileTheConnectionTestRuns() throws Exception {
        stackFile = stackFile.replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
        project.write("Pulumi.staging.yaml", stackFile);
        Run run = Run.start();
        run.killWhen("the connection test Job is being created", Duration.ofMinutes(5),
                () -> pending("creating", "kubernetes:batch/v1:Job"));

        Project.Result up = recover("f: during the connection test Job", leftBehind());
        assertTrue(up.output().contains("creating kubernetes:batch/v1:Job"), up.output());
        assertTrue(up.output().contains("recover: pulumi refresh --clear-pending-creates --stack staging"), up.output());
    }

    @Test
    @Order(5)
    void killedWhileTheFirstObjectsAreCreated() throws Exception {
        project.mlapi(ENV, "destroy", "staging").assertOk("destroy staging");
        Run run = Run.start();
        run.killWhen("the first objects are being created", Duration.ofMinutes(5), () -> pending("creating", "kubernetes:"));

        Project.Result up = recover("c: while a new stack's objects are created", leftBehind());
        assertTrue(up.output().contains("recover: cleared the lock on stack staging"), up.output());
        assertTrue(up.output().contains("operation(s) in flight"), up.output());
        assertTrue(up.output().contains("recover: pulumi refresh --clear-pending-creates --stack staging"), up.output());
    }

    @Test
    @Order(6)
    void killedWhileANewDeploymentWaitsForItsRollout() throws Exception {
        project.mlapi(ENV, "destroy", "staging").assertOk("destroy staging");
        Run run = Run.start();
        run.killWhen("the new Deployment waits for its pods", Duration.ofMinutes(5),
                () -> pending("creating", "kubernetes:apps/v1:Deployment").filter(op -> rollingOut("")));

        Project.Result up = recover("d: while a new Deployment waits for its rollout", leftBehind());
        assertTrue(up.output().contains("creating kubernetes:apps/v1:Deployment sentiment-api: cleared; an up applies it again,"
                + " and server-side apply takes sentiment-api-staging/sentiment-api over"), up.output());
        assertTrue(up.output().contains("recover: deployment.apps/sentiment-api no longer lists the killed run's field manager"), up.output());
    }

    /**
     * The up after a kill: succeeds, leaves no lock and no pending operation, previews no change,
     * and the cluster holds exactly the objects the state does (no copy of an auto-named one).
     */
    private static Project.Result recover(String point, String left) throws IOException {
        Instant start = Instant.now();
        Project.Result up = project.mlapi(ENV, "up", "staging").assertOk("up staging after the kill");
        long seconds = Duration.between(start, Instant.now()).toSeconds();
        assertEquals(List.of(), lockFiles(), "no lock is left");
        assertEquals(0, checkpoint().path("pending_operations").size(), "no pending operation is left: " + checkpoint().path("pending_operations"));
        project.mlapi(ENV, "preview", "staging", "--expect-no-changes").assertOk("preview --expect-no-changes");
        assertEquals(objectsInState(), objectsInCluster(), "the cluster holds exactly the objects of the state");
        for (JsonNode item : project.kubectlJson("get", KINDS, "-n", NS, "-l", "app.kubernetes.io/managed-by=pulumi", "--show-managed-fields").path("items")) {
            List<String> managers = new ArrayList<>();
            item.at("/metadata/managedFields").forEach(m -> managers.add(m.path("manager").asText()));
            assertEquals(1, managers.stream().filter(m -> m.startsWith("pulumi-kubernetes-")).distinct().count(),
                    "one field manager of the engine owns " + item.path("kind").asText() + "/" + item.at("/metadata/name").asText() + ": " + managers);
        }
        List<String> said = up.output().lines().filter(l -> l.startsWith("recover:") || l.startsWith("  creating ")
                || l.startsWith("  updating ") || l.startsWith("  deleting ")).toList();
        REPORT.add("kill point " + point + "\n  left: " + left + "\n  next up: succeeded in " + seconds + " s; it said:\n    "
                + String.join("\n    ", said));
        return up;
    }

    /** What a kill left in the state: locks and pending operations, and how many objects the namespace had. */
    private static String leftBehind() throws IOException {
        List<String> ops = new ArrayList<>();
        for (JsonNode op : checkpoint().path("pending_operations")) {
            String urn = op.at("/resource/urn").asText();
            ops.add(op.path("type").asText() + " " + op.at("/resource/type").asText() + " " + urn.substring(urn.lastIndexOf("::") + 2));
        }
        return lockFiles().size() + " lock file(s), " + ops.size() + " pending operation(s) " + ops + ", "
                + objectsInCluster().size() + " objects of the app in the cluster";
    }

    private static Path stateDir() {
        return project.home.resolve("backend/.pulumi");
    }

    private static JsonNode checkpoint() throws IOException {
        return JSON.readTree(stateDir().resolve("stacks/mlapi/staging.json").toFile()).at("/checkpoint/latest");
    }

    /** A pending operation of the given kind on a resource whose type starts with {@code typePrefix}. */
    private static Optional<JsonNode> pending(String kind, String typePrefix) throws IOException {
        Path file = stateDir().resolve("stacks/mlapi/staging.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        for (JsonNode op : checkpoint().path("pending_operations")) {
            if (op.path("type").asText().equals(kind) && op.at("/resource/type").asText().startsWith(typePrefix)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /**
     * The Deployment exists in the cluster with the image (ending with {@code image}), and its
     * controller has seen that spec and not yet rolled it out.
     */
    private static boolean rollingOut(String image) {
        Project.Result get = project.kubectl("get", "deployment", "sentiment-api", "-n", NS, "-o", "json");
        if (get.exitCode() != 0) {
            return false;
        }
        try {
            JsonNode d = JSON.readTree(get.output());
            int replicas = d.at("/spec/replicas").asInt();
            return d.at("/spec/template/spec/containers/0/image").asText().endsWith(image)
                    && d.at("/status/observedGeneration").asLong() == d.at("/metadata/generation").asLong()
                    && (d.at("/status/updatedReplicas").asInt() < replicas || d.at("/status/availableReplicas").asInt() < replicas
                        || d.at("/status/replicas").asInt() > replicas);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> lockFiles() throws IOException {
        Path dir = stateDir().resolve("locks/organization/mlapi/staging");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }

    /** The lock file of a running {@code pulumi up} (not the short one {@code stack select --create} takes). */
    private static Optional<Path> lockOfAnUp() throws IOException {
        for (Path lock : lockFiles()) {
            JsonNode content;
            try {
                content = JSON.readTree(lock.toFile());
            } catch (IOException e) {
                continue; // being written
            }
            Optional<String[]> args = ProcessHandle.of(content.path("pid").asLong()).flatMap(p -> p.info().arguments());
            if (args.isPresent() && List.of(args.get()).contains("up")) {
                return Optional.of(lock);
            }
        }
        return Optional.empty();
    }

    /** Kind/name of every Kubernetes object in the app's namespace that the state holds. */
    private static Set<String> objectsInState() throws IOException {
        Set<String> objects = new TreeSet<>();
        for (JsonNode r : checkpoint().path("resources")) {
            String type = r.path("type").asText();
            if (type.startsWith("kubernetes:") && NS.equals(r.at("/outputs/metadata/namespace").asText())) {
                objects.add(type.substring(type.lastIndexOf(':') + 1) + "/" + r.at("/outputs/metadata/name").asText());
            }
        }
        return objects;
    }

    /** Kind/name of every object in the app's namespace that the program's labels mark as Pulumi's. */
    private static Set<String> objectsInCluster() {
        Set<String> objects = new TreeSet<>();
        Project.Result get = project.kubectl("get", KINDS, "-n", NS, "-l", "app.kubernetes.io/managed-by=pulumi", "-o", "json");
        if (get.exitCode() != 0) {
            return objects;
        }
        try {
            for (JsonNode item : JSON.readTree(get.output()).path("items")) {
                objects.add(item.path("kind").asText() + "/" + item.at("/metadata/name").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /** Whether every entry of the jar's zip directory leads to an entry of the file (what a killed rewrite breaks). */
    private static boolean wholeJar(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    in.read(); // opening the data reads the entry's header
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    interface Probe<T> {
        Optional<T> check() throws IOException;
    }

    /** One {@code ./mlapi up staging} in a process group of its own. */
    private record Run(Process process, Path log) {
        static Run start() throws IOException {
            Path log = Files.createTempFile(project.dir, "killed-up", ".log");
            return new Run(project.start(ENV, log, "up", "staging"), log);
        }

        boolean hasProcess(String commandLinePart) {
            return process.toHandle().descendants().anyMatch(p -> p.info().commandLine().orElse("").contains(commandLinePart));
        }

        /**
         * Polls until the probe sees the point, then kills the run (also when the point is not
         * seen): {@code kill -9} of its process group, then of every process it started in its
         * session (the engine starts its plugins in groups of their own; the cluster's processes
         * run in sessions of their own and stay). Fails if the run ends first or the point is not
         * seen in time. A seen point is checked again with the run's process group stopped, so
         * that the engine cannot move past it (and write its state) before the kill lands.
         */
        <T> T killWhen(String point, Duration limit, Probe<T> probe) throws Exception {
            Instant deadline = Instant.now().plus(limit);
            Optional<T> seen = Optional.empty();
            try {
                while (seen.isEmpty()) {
                    assertTrue(process.isAlive(), "the up ended before " + point + ":\n" + Files.readString(log));
                    assertTrue(Instant.now().isBefore(deadline), "not seen within " + limit + ": " + point + "\n" + Files.readString(log));
                    if (probe.check().isPresent()) {
                        signalGroup("STOP");
                        seen = probe.check();
                        if (seen.isEmpty()) {
                            signalGroup("CONT");
                        }
                    } else {
                        TimeUnit.MILLISECONDS.sleep(10);
                    }
                }
            } finally {
                kill();
            }
            Files.delete(log);
            return seen.get();
        }

        private void signalGroup(String signal) throws Exception {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }

        private void kill() throws Exception {
            List<ProcessHandle> started = process.toHandle().descendants().filter(p -> session(p.pid()) == process.pid()).toList();
            new ProcessBuilder("kill", "-9", "--", "-" + process.pid()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            started.forEach(ProcessHandle::destroyForcibly);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the killed up ended");
            for (ProcessHandle p : started) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        }

        /** A process's session id (/proc/PID/stat, after the command name in parentheses); -1 once it is gone. */
        private static long session(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
