package dev.mlapi.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lib/recover.sh's program_jar_whole, which program_build asks before it keeps a jar newer than
 * its sources: a killed build leaves one cut short or half rewritten (the shade plugin rewrites
 * the jar in place, over the previous one, and truncates it at the end).
 */
class ProgramJarTest {
    @TempDir
    Path dir;

    private Path jar(String name) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < 200; i++) {
                zip.putNextEntry(new ZipEntry("dev/mlapi/Class" + i + ".class"));
                zip.write(("class " + i + " ").repeat(50).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private record Result(int exitCode, String output) {}

    private static Result whole(Path jar) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "source lib/recover.sh && program_jar=\"$1\" && program_jar_whole", "-", jar.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), output);
    }

    @Test
    void aWholeJarIsKeptAndCheckedOnce() throws Exception {
        Path jar = jar("mlapi.jar");
        assertEquals(new Result(0, ""), whole(jar));
        assertTrue(Files.exists(dir.resolve("mlapi.jar.whole")), "the stamp that spares the next check");
    }

    @Test
    void aJarCutShortIsBuiltAgain() throws Exception {
        Path jar = jar("mlapi.jar");
        try (RandomAccessFile f = new RandomAccessFile(jar.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Result result = whole(jar);
        assertEquals(1, result.exitCode());
        assertEquals("recover: " + jar + " was cut short by an interrupted build; it is built again\n", result.output());
    }

    /** An in-place rewrite killed half way: new bytes at the start, the old end (with its zip directory) after them. */
    @Test
    void aJarHalfRewrittenIsBuiltAgainThoughItEndsLikeAZip() throws Exception {
        Path jar = jar("mlapi.jar");
        byte[] bytes = Files.readAllBytes(jar);
        byte[] shifted = new byte[bytes.length];
        System.arraycopy(bytes, 0, shifted, 7, bytes.length / 2);
        System.arraycopy(bytes, 7 + bytes.length / 2, shifted, 7 + bytes.length / 2, bytes.length - 7 - bytes.length / 2);
        Files.write(jar, shifted);
        assertFalse(whole(jar).exitCode() == 0);
    }
}
