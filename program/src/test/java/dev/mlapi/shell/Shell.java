package dev.mlapi.shell;

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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The project command's shell functions, sourced as ./mlapi sources them, in a scratch copy of
 * the command (mlapi, lib/, the stack files) with a state folder of its own. A test replaces the
 * expensive or outside steps (tool builds, the engine, the cluster) by stub functions and runs
 * the real logic around them. Nothing here starts a cluster or touches the working tree.
 */
final class Shell {
    /** A port no cluster of the project uses: the node's names derived from it touch nothing real. */
    private static final String PORT = "9";
    private static final String ETCD_PORT = "5";

    final Path project;
    final Path home;

    Shell(Path scratch) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        project = Files.createDirectories(scratch.resolve("project"));
        home = project.resolve(".state");
        for (String entry : List.of("mlapi", "lib", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "pom.xml")) {
            copy(root.resolve(entry), project.resolve(entry));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    record Result(int exitCode, String output) {}

    /** The script after the libraries: set -euo pipefail, in the project folder, as ./mlapi runs. */
    Result run(String script) {
        return run(Map.of(), script);
    }

    Result run(Map<String, String> env, String script) {
        return run(env, List.of(), script);
    }

    /** {@code wrapper}: a command the shell runs under (a pseudo-terminal, say). */
    Result run(Map<String, String> env, List<String> wrapper, String script) {
        return start(env, wrapper, script).finish();
    }

    /** A script running in the background; {@link Running#output()} reads what it wrote so far. */
    final class Running {
        private final Process process;
        private final Path log;

        private Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Result finish() {
            try {
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("the script timed out:\n" + output());
                }
                String output = output();
                Files.delete(log);
                return new Result(process.exitValue(), output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Running start(String script) {
        return start(Map.of(), List.of(), script);
    }

    Running start(Map<String, String> env, List<String> wrapper, String script) {
        try {
            String sources = Files.readAllLines(project.resolve("mlapi")).stream().filter(l -> l.startsWith("source lib/"))
                    .collect(Collectors.joining("\n"));
            String prelude = "set -euo pipefail\nproject_dir='" + project + "'\ncd \"$project_dir\"\nexport MLAPI_HOME='" + home + "'\n" + sources + "\n";
            List<String> command = new ArrayList<>(wrapper);
            command.addAll(List.of("bash", "-c", prelude + script));
            Path log = Files.createTempFile(project.getParent(), "shell", ".log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            for (String name : List.of("MLAPI_KUBECONFIG", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")) {
                pb.environment().remove(name);
            }
            pb.environment().put("MLAPI_APISERVER_PORT", PORT);
            pb.environment().put("MLAPI_ETCD_PORT", ETCD_PORT);
            pb.environment().putAll(env);
            return new Running(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the condition holds, for a minute at most (a step that never comes fails the test). */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never happened: " + what);
    }

    /** The command under a pseudo-terminal (stdin and stdout), as a person runs it; see terminal.py. */
    static List<String> onTerminal() {
        return List.of("python3", Path.of("program/src/test/resources/dev/mlapi/shell/terminal.py").toAbsolutePath().toString(), "--");
    }
}
