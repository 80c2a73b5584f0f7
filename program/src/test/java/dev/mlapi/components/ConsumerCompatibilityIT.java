package dev.mlapi.components;

import static dev.mlapi.components.PublishedLibrary.run;
import static dev.mlapi.components.PublishedLibrary.version;
import static dev.mlapi.components.PublishedLibrary.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project outside this repository that uses the library as a Maven dependency, from a file
 * repository the library was published to with {@code mvn deploy} ({@link PublishedLibrary}):
 * built against the previous release and against the working tree's library, it builds with both
 * and both create the same objects under Pulumi's mocks. Nothing downloads.
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
        PublishedLibrary previous = PublishedLibrary.publish(previousSources, scratch.resolve("repo-previous"));

        Path currentSources = scratch.resolve("current-sources");
        for (String path : LIBRARY_BUILD) {
            copy(Path.of(path), currentSources.resolve(path));
        }
        PublishedLibrary library = PublishedLibrary.publish(currentSources, scratch.resolve("repo-current"));

        String before = registrations("previous", previous);
        String after = registrations("current", library);
        assertTrue(before.contains("\"type\" : \"kubernetes:apps/v1:Deployment\"") && before.contains("ghcr.io/acme/fraud-api:2.1.0"),
                "the consumer made the API:\n" + before);
        assertEquals(before, after, "what the consumer creates with the previous release (" + PREVIOUS_VERSION + ", " + PREVIOUS
                + ") and with the working tree's library (" + current + ")");
    }

    /** The consumer built against one published version, run under mocks: its registrations, as JSON. */
    private String registrations(String name, PublishedLibrary library) throws Exception {
        PublishedLibrary.Consumer consumer = library.consumer(scratch.resolve("consumer-" + name), "example.Registrations");
        write(consumer.dir.resolve("src/main/java/example/Api.java"), consumerProgram());
        write(consumer.dir.resolve("src/main/java/example/Registrations.java"), REGISTRATIONS);
        Path dump = consumer.dir.resolve("registrations.json");
        run(consumer.dir, "mvn", "-B", "-ntp", "-q", "compile", "exec:java", "-DmainArgs=" + dump);
        consumer.assertUsesThePublishedJar("the consumer of the " + name + " library");
        return Files.readString(dump);
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
}
