package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The component library as another team's project gets it: published with {@code mvn deploy} into
 * a file repository, and a consumer project (outside this repository, with nothing copied from
 * it) whose Maven runs offline but for file repositories, on a copy of the build's local
 * repository without any mlapi artifact, so that the library it gets is the one published.
 */
public final class PublishedLibrary {
    /** The local repository this build uses (failsafe passes it), read in place as the mirror of every other. */
    private static final Path WARM = Path.of(System.getProperty("mlapi.maven.repository",
            Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));

    private final Path repository;
    private final String version;

    private PublishedLibrary(Path repository, String version) {
        this.repository = repository;
        this.version = version;
    }

    /**
     * mvn deploy of the library of a project's sources (and the root pom, its parent) into a new
     * file repository. Its own local repository, filled from the build's through a mirror, keeps
     * deploy's install step and the metadata it writes out of the build's: a user's local
     * repository must not end up holding a working tree's library under a released version.
     */
    public static PublishedLibrary publish(Path sources, Path repository) throws Exception {
        Path localRepository = repository.resolveSibling(repository.getFileName() + "-m2");
        write(sources.resolve("settings.xml"), SETTINGS.formatted(localRepository, WARM.toUri()));
        run(sources, "mvn", "-B", "-ntp", "-q", "-s", "settings.xml", "-Dmaven.repo.local=" + localRepository,
                "-pl", "component", "-am", "deploy", "-DskipTests", "-DaltDeploymentRepository=mlapi::" + repository.toUri());
        return new PublishedLibrary(repository, version(Files.readString(sources.resolve("pom.xml"))));
    }

    public String version() {
        return version;
    }

    /**
     * A consumer project in {@code dir} that depends on this library and runs {@code mainClass} as
     * a Pulumi Java program does ({@code mvn compile exec:java}, main class and arguments from
     * {@code -DmainClass} and {@code -DmainArgs}); its .mvn/maven.config keeps every Maven run
     * there (the Java host's too) offline, on a local repository of its own.
     */
    public Consumer consumer(Path dir, String mainClass) throws Exception {
        Path localRepository = dir.resolve(".m2");
        Files.createDirectories(dir);
        run(dir, "cp", "-r", WARM.toString(), localRepository.toString());
        run(dir, "rm", "-rf", localRepository.resolve("dev/mlapi").toString());
        write(dir.resolve("pom.xml"), CONSUMER_POM.formatted(version, repository.toUri(), mainClass));
        write(dir.resolve(".mvn/maven.config"), "-o\n-Daether.offline.protocols=file\n-Dmaven.repo.local=" + localRepository + "\n");
        return new Consumer(dir, localRepository);
    }

    /** A consumer project: its folder and its own local repository. */
    public final class Consumer {
        public final Path dir;
        private final Path localRepository;

        private Consumer(Path dir, Path localRepository) {
            this.dir = dir;
            this.localRepository = localRepository;
        }

        /** Fails unless the library the consumer's builds resolved is the jar this library published. */
        public void assertUsesThePublishedJar(String what) throws IOException {
            String jar = "dev/mlapi/mlapi-component/" + version + "/mlapi-component-" + version + ".jar";
            assertArrayEquals(Files.readAllBytes(repository.resolve(jar)), Files.readAllBytes(localRepository.resolve(jar)),
                    what + " used the library published to " + repository);
        }
    }

    public static String version(String pom) {
        Matcher m = Pattern.compile("<artifactId>mlapi-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "no version in the root pom");
        return m.group(1);
    }

    public static void run(Path dir, String... command) throws Exception {
        Path log = Files.createTempFile("consumer", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " in " + dir + ":\n" + output);
    }

    public static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The layout of Pulumi's Java template: exec:java runs ${mainClass} with ${mainArgs}. */
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
                    <mainClass>%3$s</mainClass>
                    <mainArgs></mainArgs>
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
                            <configuration>
                                <mainClass>${mainClass}</mainClass>
                                <commandlineArgs>${mainArgs}</commandlineArgs>
                            </configuration>
                        </plugin>
                    </plugins>
                </build>
            </project>
            """;

    /** A local repository, and the build's as the file repository that mirrors every other. */
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
