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

    /** The host stub prints its arguments and the java its PATH finds. */
    private String launcher(Map<String, String> env) {
        return run(env, """
                mkdir -p "$MLAPI_HOME/plugin" && cp lib/bin/pulumi-language-java "$MLAPI_HOME/plugin/"
                printf '#!/bin/sh\\necho "host $* java=$(command -v java)"\\n' >"$MLAPI_HOME/plugin/pulumi-language-java-host"
                chmod +x "$MLAPI_HOME/plugin/pulumi-language-java-host"
                "$MLAPI_HOME/plugin/pulumi-language-java" 127.0.0.1:1
                """);
    }

    @Test
    void theLauncherHandsTheHostTheJarAndTheProgramsJava() {
        String jvm = shell.project.resolve("lib/program-jvm").toString();
        assertEquals("host -binary " + JAR + " 127.0.0.1:1 java=" + jvm + "/java",
                launcher(Map.of("MLAPI_PROGRAM_BINARY", JAR, "MLAPI_PROGRAM_JVM", jvm)));
    }

    @Test
    void underAUsersCliTheHostGetsNeitherAndFindsTheirJava() throws IOException {
        String output = launcher(Map.of());
        String java = new ProcessBuilder("sh", "-c", "command -v java").start().inputReader().readLine();
        assertEquals("host 127.0.0.1:1 java=" + java, output);
    }
}
