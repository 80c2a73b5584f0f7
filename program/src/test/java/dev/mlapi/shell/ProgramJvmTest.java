package dev.mlapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program's JVM, and only it, gets lib/program-java-options' options: the launcher the engine
 * runs as the Java host puts lib/program-jvm first on the host's PATH when ./mlapi names a program
 * jar, and that folder's java adds the options to a JVM started with -jar of that jar. A stub in
 * place of the real java and of the host prints what each was given.
 */
class ProgramJvmTest {
    private static final String JAR = "/projects/api/target/mlapi.jar";

    @TempDir
    Path scratch;

    private Shell shell;

    @BeforeEach
    void copyTheCommand() throws IOException {
        shell = new Shell(scratch);
    }

    private String run(Map<String, String> env, String script) {
        Shell.Result result = shell.run(env, """
                mkdir -p "$MLAPI_HOME" && printf '#!/bin/sh\\necho "java $*"\\n' >"$MLAPI_HOME/java" && chmod +x "$MLAPI_HOME/java"
                """ + script);
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    private String programJava(String args) {
        return run(Map.of("MLAPI_PROGRAM_BINARY", JAR), "MLAPI_JAVA=$MLAPI_HOME/java lib/program-jvm/java " + args);
    }

    @Test
    void theProgramsJvmMapsTheArchiveBesideItsJar() {
        assertEquals("java -XX:SharedArchiveFile=/projects/api/target/mlapi.jsa -Xlog:cds=off -Xlog:cds+dynamic=off -jar " + JAR + " a b",
                programJava("-jar " + JAR + " a b"));
    }

    @Test
    void everyOtherJavaTheHostRunsIsUnchanged() {
        assertEquals("java --version", programJava("--version"));
        assertEquals("java -cp " + JAR + " com.pulumi.bootstrap.internal.Main packages",
                programJava("-cp " + JAR + " com.pulumi.bootstrap.internal.Main packages"));
        assertEquals("java -jar /elsewhere/other.jar", programJava("-jar /elsewhere/other.jar"));
    }

    /** The host stub prints its arguments and the java its PATH finds; the engine starts it in the program's folder. */
    private String launcher(Map<String, String> env, String folder) {
        return run(env, """
                mkdir -p "$MLAPI_HOME/plugin" && cp lib/bin/pulumi-language-java "$MLAPI_HOME/plugin/"
                printf '#!/bin/sh\\necho "host $* java=$(command -v java)"\\n' >"$MLAPI_HOME/plugin/pulumi-language-java-host"
                chmod +x "$MLAPI_HOME/plugin/pulumi-language-java-host"
                cd %s && "$MLAPI_HOME/plugin/pulumi-language-java" 127.0.0.1:1
                """.formatted(folder));
    }

    @Test
    void theLauncherHandsTheHostTheJarAndTheProgramsJava() {
        String jvm = shell.project.resolve("lib/program-jvm").toString();
        assertEquals("host -use-executor mvn -binary " + JAR + " 127.0.0.1:1 java=" + jvm + "/java",
                launcher(Map.of("MLAPI_PROGRAM_BINARY", JAR, "MLAPI_PROGRAM_JVM", jvm), "."));
    }

    @Test
    void underAUsersCliTheHostGetsNeitherAndFindsTheirJava() throws IOException {
        String output = launcher(Map.of(), ".");
        assertEquals("host -use-executor mvn 127.0.0.1:1 java=" + systemJava(), output);
    }

    /** A YAML or Python program that uses the component package: the host runs the package's provider with Maven. */
    @Test
    void anotherProjectsHostGetsNoJarAndRunsPluginsWithMaven() throws IOException {
        String jvm = shell.project.resolve("lib/program-jvm").toString();
        String output = launcher(Map.of("MLAPI_PROGRAM_BINARY", JAR, "MLAPI_PROGRAM_JVM", jvm),
                "\"$(mktemp -d)\" && printf 'name: mlapi-consumer\\nruntime: yaml\\n' >Pulumi.yaml");
        assertEquals("host -use-executor mvn 127.0.0.1:1 java=" + systemJava(), output);
    }

    private static String systemJava() throws IOException {
        return new ProcessBuilder("sh", "-c", "command -v java").start().inputReader().readLine();
    }
}
