package dev.mlapi.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The locks of one stack in Pulumi's file backend, as the pinned CLI writes them
 * (pkg/v3 backend/diy/lock.go): every update, refresh, destroy or import writes
 * {@code .pulumi/locks/<qualified stack name>/<uuid>.json} holding {@code pid}, {@code username},
 * {@code hostname} and {@code timestamp}, and deletes it when it ends. A {@code kill -9} leaves
 * the file, and every later operation fails with "the stack is currently locked". The CLI's own
 * {@code pulumi cancel} deletes every lock of the stack, a running one's too; here a lock goes
 * only when it is proven stale: taken on this machine by a process that is gone, or whose pid
 * now belongs to another program or to a process started after the lock was taken.
 */
public final class StackLocks {
    /** A file the backend writes through a temporary next to it (fileblob's no_tmp_dir); a kill can leave one half written. */
    private static final String PARTIAL_WRITE = ".tmp";
    /** The sidecar that fileblob keeps beside each file. */
    private static final String ATTRS = ".attrs";
    /** The lock's timestamp and a process's start time come from different clocks (Go's, /proc's in clock ticks). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);
    /** A lock file is written in microseconds: an unreadable temporary older than this has no writer left. */
    private static final Duration ABANDONED_WRITE = Duration.ofMinutes(1);
    private static final JsonMapper JSON = new JsonMapper();

    public enum State { HELD, STALE, ELSEWHERE, UNREADABLE }

    public record Finding(Path file, State state, String description) {}

    /** What this machine knows about a pid: its executable's file name and start time, when it can read them. */
    public record ProcessInfo(Optional<String> executable, Optional<Instant> start) {}

    public interface Processes {
        /** Empty when no live process has the pid (a zombie counts as gone). */
        Optional<ProcessInfo> find(long pid);
    }

    private final Processes processes;
    private final String hostname;
    private final Instant now;

    public StackLocks(Processes processes, String hostname, Instant now) {
        this.processes = processes;
        this.hostname = hostname;
        this.now = now;
    }

    /** The folders the pinned backend keeps a stack's locks in: project-scoped (meta.yaml version 1) and the legacy layout. */
    public static List<Path> lockDirs(Path backend, String project, String stack) {
        Path locks = backend.resolve(".pulumi").resolve("locks");
        return List.of(locks.resolve("organization").resolve(project).resolve(stack), locks.resolve(stack));
    }

    public List<Finding> inspect(List<Path> dirs) {
        List<Finding> findings = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (!file.getFileName().toString().endsWith(ATTRS)) {
                        findings.add(inspect(file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return findings;
    }

    Finding inspect(Path file) {
        JsonNode lock;
        try {
            lock = JSON.readTree(file.toFile());
        } catch (IOException e) {
            lock = null;
        }
        if (lock == null || !lock.path("pid").canConvertToLong() || !lock.path("hostname").isTextual()
                || !lock.path("timestamp").isTextual()) {
            return unreadable(file);
        }
        long pid = lock.path("pid").asLong();
        String host = lock.path("hostname").asText();
        Instant taken = OffsetDateTime.parse(lock.path("timestamp").asText()).toInstant();
        String owner = lock.path("username").asText("?") + "@" + host + " (pid " + pid + ", " + taken + ")";
        if (!host.equals(hostname)) {
            return new Finding(file, State.ELSEWHERE, "taken by " + owner
                    + " on another machine: wait for it to end (if it is gone, ./mlapi pulumi cancel removes every lock of the stack)");
        }
        Optional<ProcessInfo> process = processes.find(pid);
        if (process.isEmpty()) {
            return new Finding(file, State.STALE, "taken by " + owner + ", which is no longer running");
        }
        Optional<String> executable = process.get().executable();
        Optional<Instant> start = process.get().start();
        if (executable.isPresent() && !executable.get().equals("pulumi")) {
            return new Finding(file, State.STALE, "taken by " + owner + "; that pid is now " + executable.get() + ", not pulumi");
        }
        if (start.isPresent() && start.get().isAfter(taken.plus(CLOCK_SLACK))) {
            return new Finding(file, State.STALE, "taken by " + owner + "; that pid is now a pulumi started later, at " + start.get());
        }
        return new Finding(file, State.HELD, "held by " + owner + ", which is still running: wait for it to end");
    }

    private Finding unreadable(Path file) {
        try {
            Instant written = Files.getLastModifiedTime(file).toInstant();
            if (file.getFileName().toString().endsWith(PARTIAL_WRITE) && written.isBefore(now.minus(ABANDONED_WRITE))) {
                return new Finding(file, State.STALE, "a lock file left half written at " + written);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Finding(file, State.UNREADABLE, "not a lock the pinned CLI writes; left as it is");
    }

    /** Deletes a stale lock with its sidecar, as the backend's own unlock does. */
    public static void clear(Finding finding) {
        try {
            Files.deleteIfExists(finding.file());
            Files.deleteIfExists(finding.file().resolveSibling(finding.file().getFileName() + ATTRS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This machine's processes, as /proc shows them. */
    public static Processes local() {
        return pid -> {
            if (isZombie(pid)) {
                return Optional.empty();
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> new ProcessInfo(
                    p.info().command().map(c -> Path.of(c).getFileName().toString()), p.info().startInstant()));
        };
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The name Go's os.Hostname gives on Linux, which the CLI writes into its locks. */
    public static String localHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
