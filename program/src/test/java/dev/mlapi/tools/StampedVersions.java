package dev.mlapi.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The versions tools/build stamps into the pinned binaries, as it reports them itself. */
public final class StampedVersions {
    private StampedVersions() {}

    /** {@code tools/build --version <binary>} in {@code project}: the stamped version, without a leading v. */
    public static String of(Path project, String binary) {
        try {
            Process p = new ProcessBuilder(project.resolve("tools/build").toString(), "--version", binary)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("\\d+\\.\\d+\\.\\d+\\S*")) {
                throw new AssertionError("tools/build --version " + binary + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String of(String binary) {
        return of(Path.of("").toAbsolutePath(), binary);
    }
}
