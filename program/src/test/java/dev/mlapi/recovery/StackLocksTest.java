package dev.mlapi.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which locks of a stack a recovery may clear: only ones proven stale, never a live pulumi's. */
class StackLocksTest {
    private static final String HOST = "workstation";
    private static final Instant TAKEN = Instant.parse("2026-11-26T08:00:00.123456789Z");
    private static final Instant NOW = TAKEN.plusSeconds(600);

    @TempDir
    Path backend;

    /** A lock as the pinned CLI writes it (json.Marshal of lockContent), with fileblob's sidecar. */
    private Path lock(String name, long pid, String host) throws IOException {
        Path dir = StackLocks.lockDirs(backend, "mlapi", "staging").get(0);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".attrs"), "{}");
        return Files.writeString(dir.resolve(name), "{\"pid\":" + pid + ",\"username\":\"root\",\"hostname\":\"" + host
                + "\",\"timestamp\":\"2026-11-26T08:00:00.123456789Z\"}");
    }

    private static StackLocks with(Map<Long, StackLocks.ProcessInfo> processes) {
        return new StackLocks(pid -> Optional.ofNullable(processes.get(pid)), HOST, NOW);
    }

    private StackLocks.State stateOf(StackLocks locks) {
        List<StackLocks.Finding> findings = locks.inspect(StackLocks.lockDirs(backend, "mlapi", "staging"));
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0).state();
    }

    @Test
    void aLockOfAProcessThatIsGoneIsStaleAndClearingItRemovesItsSidecarToo() throws IOException {
        Path file = lock("7b1f.json", 4242, HOST);
        StackLocks.Finding finding = with(Map.of()).inspect(file);
        assertEquals(StackLocks.State.STALE, finding.state());
        assertTrue(finding.description().contains("root@workstation (pid 4242"), finding.description());
        StackLocks.clear(finding);
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(file.resolveSibling("7b1f.json.attrs")));
    }

    @Test
    void aRunningPulumiThatTookTheLockKeepsIt() throws IOException {
        lock("7b1f.json", 4242, HOST);
        assertEquals(StackLocks.State.HELD, stateOf(with(Map.of(4242L,
                new StackLocks.ProcessInfo(Optional.of("pulumi"), Optional.of(TAKEN.minusSeconds(3)))))));
    }

    @Test
    void aProcessWhoseIdentityCannotBeReadKeepsTheLock() throws IOException {
        lock("7b1f.json", 4242, HOST);
        assertEquals(StackLocks.State.HELD, stateOf(with(Map.of(4242L,
                new StackLocks.ProcessInfo(Optional.empty(), Optional.empty())))));
    }

    @Test
    void aPidReusedByAnotherProgramOrALaterPulumiIsStale() throws IOException {
        lock("7b1f.json", 4242, HOST);
        assertEquals(StackLocks.State.STALE, stateOf(with(Map.of(4242L,
                new StackLocks.ProcessInfo(Optional.of("sshd"), Optional.of(TAKEN.minusSeconds(3)))))));
        assertEquals(StackLocks.State.STALE, stateOf(with(Map.of(4242L,
                new StackLocks.ProcessInfo(Optional.of("pulumi"), Optional.of(TAKEN.plusSeconds(60)))))));
    }

    @Test
    void aLockTakenOnAnotherMachineIsNeverCleared() throws IOException {
        lock("7b1f.json", 4242, "ci-runner-7");
        assertEquals(StackLocks.State.ELSEWHERE, stateOf(with(Map.of())));
    }

    @Test
    void aHalfWrittenLockIsClearedOnlyOnceItsWriterIsLongGone() throws IOException {
        Path dir = StackLocks.lockDirs(backend, "mlapi", "staging").get(0);
        Files.createDirectories(dir);
        Path partial = Files.writeString(dir.resolve("7b1f.json.18a2b3c4d5e6f.tmp"), "{\"pid\":42");
        assertEquals(StackLocks.State.UNREADABLE, stateOf(with(Map.of())));
        Files.setLastModifiedTime(partial, FileTime.from(NOW.minusSeconds(120)));
        assertEquals(StackLocks.State.STALE, stateOf(with(Map.of())));
        Path other = Files.writeString(dir.resolve("notes.json"), "not a lock");
        Files.setLastModifiedTime(other, FileTime.from(NOW.minusSeconds(120)));
        Files.delete(partial);
        assertEquals(StackLocks.State.UNREADABLE, stateOf(with(Map.of())));
    }

    @Test
    void theLegacyLayoutIsReadToo() throws IOException {
        Path dir = StackLocks.lockDirs(backend, "mlapi", "staging").get(1);
        assertEquals(backend.resolve(".pulumi/locks/staging"), dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.json"), "{\"pid\":1,\"username\":\"u\",\"hostname\":\"" + HOST + "\",\"timestamp\":\"2026-11-26T08:00:00Z\"}");
        assertEquals(StackLocks.State.STALE, stateOf(with(Map.of())));
    }

    /** The real process table: this JVM is alive and not pulumi; a reaped child is gone. */
    @Test
    void theLocalProcessTableTellsTheOwnerApart() throws IOException, InterruptedException {
        StackLocks.Processes local = StackLocks.local();
        StackLocks.ProcessInfo self = local.find(ProcessHandle.current().pid()).orElseThrow();
        assertEquals(Optional.of("java"), self.executable());
        assertTrue(self.start().orElseThrow().isBefore(Instant.now()));
        Process child = new ProcessBuilder("true").start();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(Optional.empty(), local.find(child.pid()));
        assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), StackLocks.localHostname());
    }
}
