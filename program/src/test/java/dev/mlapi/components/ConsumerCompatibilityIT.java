package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project outside this repository that uses the library as a Maven dependency, from a file
 * repository the library was published to with {@code mvn deploy}: built against the previous
 * release and against the working tree's library, it builds with both and both create the same
 * objects under Pulumi's mocks. Nothing downloads: the consumer's Maven runs offline (-o), with a
 * copy of the warm local repository that holds no mlapi artifact, so that the library it gets is
 * the one the file repository was given. The build that publishes reads the warm repository in
 * place, as the mirror of every other (mvn deploy refuses -o).
 */
class ConsumerCompatibilityIT {
    /**
     * The previous release, built from the repository's own history (nothing released is
     * downloaded, and no tag is there yet): 0.1.0, the commit that gave the library its first
     * version and changelog. When a release is cut, its tag ({@code v<version>}) goes here.
     */
    private static final String PREVIOUS = "bc6a27f47cbc5b0f98e27eff794dfccc420c275c";
    private static final String PREVIOUS_VERSION = "0.1.0";
    /** What the build of a library needs: the root pom (its parent) and both modules' poms (the reactor). */
    private static final List<String> LIBRARY_BUILD = List.of("pom.xml", "program/pom.xml", "component/pom.xml", "component/src/main");

    private static final Path WARM = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @TempDir
    Path scratch;

    @Test
    void aConsumerOfThePreviousReleaseBuildsAndCreatesTheSameObjectsWithTheCurrentOne() throws Exception {
        String current = version(Files.readString(Path.of("pom.xml")));

        Path previousSources = Files.createDirectories(scratch.resolve("previous-sources"));
        // CI runs the tests as root in a checkout it does not own: git is told the checkout is this project's.
        Path root = Path.of("").toAbsolutePath();
        run(root, "bash", "-c", "git -c safe.directory=" + root + " archive " + PREVIOUS + " " + String.join(" ", LIBRARY_BUILD)
                + " | tar -x -C " + previousSources);
        assertEquals(PREVIOUS_VERSION, version(Files.readString(previousSources.resolve("pom.xml"))), "the version " + PREVIOUS + " has");
        Path previousRepo = publish(previousSources, "previous");

        Path currentSources = scratch.resolve("current-sources");
        for (String path : LIBRARY_BUILD) {
            copy(Path.of(path), currentSources.resolve(path));
        }
        Path currentRepo = publish(currentSources, "current");

        String before = registrations("previous", previousRepo, PREVIOUS_VERSION);
        String after = registrations("current", currentRepo, current);
        assertTrue(before.contains("\"type\" : \"kubernetes:apps/v1:Deployment\"") && before.contains("ghcr.io/acme/fraud-api:2.1.0"),
                "the consumer made the API:\n" + before);
        assertEquals(before, after, "what the consumer creates with the previous release (" + PREVIOUS_VERSION + ", " + PREVIOUS
                + ") and with the working tree's library (" + current + ")");
    }

    /** mvn deploy of the library (and the root pom, its parent) into a new file repository. */
    private Path publish(Path sources, String name) throws Exception {
        Path repo = scratch.resolve("repo-" + name);
        // The mirror's id is the one the warm repository's files were downloaded from: they are read in place.
        write(sources.resolve("settings.xml"), SETTINGS.formatted(WARM, WARM.toUri()));
        run(sources, "mvn", "-B", "-ntp", "-q", "-s", "settings.xml", "-pl", "component", "-am", "deploy", "-DskipTests",
                "-DaltDeploymentRepository=mlapi::" + repo.toUri());
        return repo;
    }

    /** The consumer built against one published version, run under mocks: its registrations, as JSON. */
    private String registrations(String name, Path repo, String version) throws Exception {
        Path consumer = scratch.resolve("consumer-" + name);
        Path localRepo = scratch.resolve("m2-" + name);
        run(scratch, "cp", "-r", WARM.toString(), localRepo.toString());
        run(scratch, "rm", "-rf", localRepo.resolve("dev/mlapi").toString());
        write(consumer.resolve("pom.xml"), CONSUMER_POM.formatted(version, repo.toUri()));
        write(consumer.resolve("src/main/java/example/Api.java"), consumerProgram());
        write(consumer.resolve("src/main/java/example/Registrations.java"), REGISTRATIONS);
        Path dump = consumer.resolve("registrations.json");
        // Offline, but for file repositories: the one the library was published to.
        run(consumer, "mvn", "-B", "-ntp", "-q", "-o", "-Daether.offline.protocols=file", "-Dmaven.repo.local=" + localRepo,
                "compile", "exec:java", "-Dexec.mainClass=example.Registrations", "-Dexec.args=" + dump);
        String jar = "dev/mlapi/mlapi-component/" + version + "/mlapi-component-" + version + ".jar";
        assertArrayEquals(Files.readAllBytes(repo.resolve(jar)), Files.readAllBytes(localRepo.resolve(jar)), "the consumer used the " + name + " library");
        return Files.readString(dump);
    }

    private static String version(String pom) {
        Matcher m = Pattern.compile("<artifactId>mlapi-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "no version in the root pom");
        return m.group(1);
    }

    private static void run(Path dir, String... command) throws Exception {
        Path log = Files.createTempFile("consumer", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " in " + dir + ":\n" + output);
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var tree = Files.walk(from)) {
            tree.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            write(to.resolve(from.relativize(f).toString()), Files.readString(f, StandardCharsets.UTF_8));
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static final String CONSUMER_POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
                <modelVersion>4.0.0</modelVersion>
                <groupId>example</groupId>
                <artifactId>fraud-api-infra</artifactId>
                <version>1.0.0</version>
                <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>17</maven.compiler.release>
                </properties>
                <repositories>
                    <repository>
                        <id>mlapi</id>
                        <url>%2$s</url>
                    </repository>
                </repositories>
                <dependencies>
                    <dependency>
                        <groupId>dev.mlapi</groupId>
                        <artifactId>mlapi-component</artifactId>
                        <version>%1$s</version>
                    </dependency>
                </dependencies>
                <build>
                    <plugins>
                        <plugin>
                            <groupId>org.apache.maven.plugins</groupId>
                            <artifactId>maven-compiler-plugin</artifactId>
                            <version>3.13.0</version>
                        </plugin>
                        <plugin>
                            <groupId>org.codehaus.mojo</groupId>
                            <artifactId>exec-maven-plugin</artifactId>
                            <version>3.5.0</version>
                        </plugin>
                    </plugins>
                </build>
            </project>
            """;

    /** What a team writes: the README's example, as written there, with its imports. */
    private static String consumerProgram() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## Reuse the component in your own project\n"));
        Matcher example = Pattern.compile("(?s)```java\n(.*?)\n\\s*```").matcher(section);
        assertTrue(example.find(), "the README's section has no Java example");
        return """
                package example;

                import com.pulumi.Context;
                import com.pulumi.Pulumi;
                import dev.mlapi.components.MlApi;
                import dev.mlapi.components.MlApiArgs;
                import dev.mlapi.components.inputs.*;

                """ + example.group(1).stripIndent() + "\n";
    }

    /** The consumer's program under the SDK's mocks: each registration's type, name and inputs, and the outputs. */
    private static final String REGISTRATIONS = """
            package example;

            import com.fasterxml.jackson.databind.SerializationFeature;
            import com.fasterxml.jackson.databind.json.JsonMapper;
            import com.pulumi.test.Mocks;
            import com.pulumi.test.PulumiTest;
            import com.pulumi.test.TestOptions;
            import com.pulumi.test.TestResult;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.*;
            import java.util.concurrent.CompletableFuture;
            import java.util.concurrent.CopyOnWriteArrayList;

            public final class Registrations {
                public static void main(String[] args) throws Exception {
                    List<Map<String, Object>> registered = new CopyOnWriteArrayList<>();
                    Mocks mocks = resource -> {
                        registered.add(Map.of("type", resource.type, "name", resource.name, "inputs", resource.inputs));
                        return CompletableFuture.completedFuture(Mocks.ResourceResult.of(Optional.of(resource.name + "-id"), resource.inputs));
                    };
                    TestResult result = PulumiTest.withMocks(mocks)
                            .withOptions(TestOptions.builder().projectName("fraud-api-infra").stackName("staging").preview(false).build())
                            .runTest(Api::define);
                    if (!result.exceptions().isEmpty()) {
                        throw new IllegalStateException(result.exceptions().toString());
                    }
                    Map<String, Object> outputs = new TreeMap<>();
                    result.outputs().forEach((name, value) -> outputs.put(name, PulumiTest.extractValue(value)));
                    List<Map<String, Object>> sorted = new ArrayList<>(registered);
                    sorted.sort(Comparator.comparing(r -> r.get("type") + "::" + r.get("name")));
                    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
                    Files.writeString(Path.of(args[0]), json.writeValueAsString(Map.of("resources", sorted, "outputs", outputs)));
                    PulumiTest.cleanup();
                }
            }
            """;

    /** The warm local repository, and the same as the file repository that mirrors every other. */
    private static final String SETTINGS = """
            <settings>
                <localRepository>%1$s</localRepository>
                <mirrors>
                    <mirror>
                        <id>central</id>
                        <mirrorOf>*</mirrorOf>
                        <url>%2$s</url>
                    </mirror>
                </mirrors>
            </settings>
            """;
}
