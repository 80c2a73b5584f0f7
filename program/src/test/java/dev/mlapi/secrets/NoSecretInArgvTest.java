package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No example, hint, script or test sets a secret with its value on the command line, where ps,
 * the shell's history and CI logs keep it: every {@code config set --secret} in the project
 * reads the value from the prompt or from standard input.
 */
class NoSecretInArgvTest {
    private static final Pattern SET_SECRET = Pattern.compile("config\"?,?\\s*\"?set\"?,?\\s*\"?--secret(.*)");
    private static final Path SELF = Path.of("program/src/test/java/dev/mlapi/secrets/NoSecretInArgvTest.java");

    @Test
    void everySecretIsSetFromThePromptOrStandardInput() throws IOException {
        List<String> found = new ArrayList<>();
        List<String> inArgv = new ArrayList<>();
        try (Stream<Path> files = Stream.of("README.md", "mlapi", "docs", "lib", "component", "program", ".github").map(Path::of).filter(Files::exists)
                .flatMap(NoSecretInArgvTest::walk)) {
            for (Path file : files.filter(f -> !f.equals(SELF)).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = SET_SECRET.matcher(lines.get(i));
                    while (m.find()) {
                        String where = file + ":" + (i + 1) + ": " + lines.get(i).strip();
                        found.add(where);
                        if (valueAfterKey(m.group(1))) {
                            inArgv.add(where);
                        }
                    }
                }
            }
        }
        for (String stack : List.of("dev", "staging", "production")) {
            for (String line : Files.readAllLines(Path.of("Pulumi." + stack + ".yaml"))) {
                Matcher m = SET_SECRET.matcher(line);
                if (m.find() && valueAfterKey(m.group(1))) {
                    inArgv.add("Pulumi." + stack + ".yaml: " + line.strip());
                }
            }
        }
        assertTrue(found.size() >= 5, "the scan finds the project's examples: " + found);
        assertEquals(List.of(), inArgv, "a secret value on the command line");
    }

    @Test
    void theScanTellsAValueFromARedirectionInEachForm() {
        for (String withValue : List.of(" mlapi:dbPassword <value>)", " --stack dev mlapi:token hunter2 # old hint",
                "\", \"--stack\", \"dev\", \"mlapi:modelRegistryToken\", sentinel).assertOk(\"config set\");", " --path 'mlapi:env.X' s3cret`")) {
            assertTrue(valueAfterKey(withValue), withValue);
        }
        for (String without : List.of(" mlapi:dbPassword --stack dev < db-password.txt)", " --stack staging mlapi:modelRegistryToken   # prompts",
                "\", \"--stack\", \"dev\", \"mlapi:modelRegistryToken\").assertOk(\"config set\");", " --path mlapi:env.WANDB_KEY} writes:",
                " mlapi:\" + key + \" --stack \" + stack + \" < \"", " --path mlapi:env.WANDB_KEY` writes")) {
            assertFalse(valueAfterKey(without), without);
        }
    }

    /** Whether a value follows the key: the words after it are flags, a redirection (<), a comment, the end of a quote or nothing. */
    static boolean valueAfterKey(String rest) {
        List<String> words = Arrays.stream(rest.replaceAll("[\"',]", " ").replaceAll("([})`])", " $1 ").split("\\s+")).filter(w -> !w.isEmpty()).toList();
        int key = -1;
        for (int i = 0; i < words.size() && key < 0; i++) {
            if (words.get(i).startsWith("mlapi:")) {
                key = i;
            }
        }
        for (int i = key + 1; key >= 0 && i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("<") || w.startsWith("<") && !w.contains(">") || w.startsWith("#") || w.startsWith(")") || w.startsWith("}") || w.equals("`") || w.equals("|")) {
                return false;
            }
            // In Java source, a key built from parts: "mlapi:" + key + " --stack " ...
            if (w.equals("--stack") || w.equals("-s") || w.equals("+")) {
                i++;
            } else if (!w.startsWith("--")) {
                return true;
            }
        }
        return false;
    }

    private static Stream<Path> walk(Path root) {
        try {
            return Files.walk(root).filter(Files::isRegularFile).filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> f.toString().matches(".*\\.(java|yaml|yml|md|sh)$") || f.getFileName().toString().equals("mlapi")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
