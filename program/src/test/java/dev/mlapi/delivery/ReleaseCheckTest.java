package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .github/release-check, the first job of release.yml: a tag releases the component library only
 * when it is v and the library's version, a release version, with a dated CHANGELOG section.
 */
class ReleaseCheckTest {
    private static final Path SCRIPT = Path.of(".github/release-check").toAbsolutePath();

    @TempDir
    Path scratch;

    private record Result(int exitCode, String output) {}

    private static Result check(Path project, String tag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SCRIPT.toString(), tag).directory(project.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }

    private static String version() throws IOException {
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("component/pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }

    /** A copy of the library's pom and changelog, with one text replaced in each. */
    private Path project(String pomFrom, String pomTo, String changelogFrom, String changelogTo) throws IOException {
        Path component = Files.createDirectories(scratch.resolve("component"));
        Files.writeString(component.resolve("pom.xml"), Files.readString(Path.of("component/pom.xml")).replace(pomFrom, pomTo));
        Files.writeString(component.resolve("CHANGELOG.md"), Files.readString(Path.of("component/CHANGELOG.md")).replace(changelogFrom, changelogTo));
        return scratch;
    }

    @Test
    void theLibrarysVersionTagPasses() throws Exception {
        String version = version();
        Result ok = check(Path.of("").toAbsolutePath(), "v" + version);
        assertEquals(new Result(0, version + "\n"), ok);
    }

    @Test
    void anotherVersionsTagIsRefused() throws Exception {
        String version = version();
        Result other = check(Path.of("").toAbsolutePath(), "v9.9.9");
        assertEquals(1, other.exitCode(), other.output());
        assertEquals("release-check: the tag v9.9.9 is not the library's version " + version
                + " (component/pom.xml); tag v" + version + ", or set the version first\n", other.output());
    }

    @Test
    void aVersionWithASuffixIsNoRelease() throws Exception {
        String version = version();
        Path project = project("<version>" + version + "</version>", "<version>" + version + "-SNAPSHOT</version>", "", "");
        Result snapshot = check(project, "v" + version + "-SNAPSHOT");
        assertEquals(1, snapshot.exitCode(), snapshot.output());
        assertTrue(snapshot.output().contains("is not a release version (MAJOR.MINOR.PATCH"), snapshot.output());
    }

    @Test
    void aVersionWithoutItsDatedChangelogSectionIsRefused() throws Exception {
        String version = version();
        Path project = project("", "", "## [" + version + "] - ", "## [" + version + "] - unreleased ");
        Result missing = check(project, "v" + version);
        assertEquals(1, missing.exitCode(), missing.output());
        assertEquals("release-check: component/CHANGELOG.md has no section '## [" + version + "] - <date>' (move what [Unreleased] lists under it)\n",
                missing.output());
    }
}
