package dev.mlapi.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A stack settings file, {@code Pulumi.<stack>.yaml}, read as the engine reads it. */
public final class StackFile {
    public static final String NAMESPACE = "mlapi:";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper JSON = new JsonMapper();
    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private final String stack;
    private final Map<String, JsonNode> config;
    private final Map<String, String> rewritten;

    private StackFile(String stack, Map<String, JsonNode> config, Map<String, String> rewritten) {
        this.stack = stack;
        this.config = config;
        this.rewritten = rewritten;
    }

    public static Path path(Path projectDir, String stack) {
        return projectDir.resolve("Pulumi." + stack + ".yaml");
    }

    public static StackFile read(Path projectDir, String stack) {
        Path file = path(projectDir, stack);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no stack settings file " + file.toAbsolutePath() + " for stack '" + stack + "'");
        }
        try {
            // The YAML parser reports syntax errors; the values are read as the Pulumi CLI reads them.
            YAML.readTree(file.toFile());
            EngineYaml.Read read = EngineYaml.read(Files.readString(file));
            JsonNode root = read.tree();
            Map<String, JsonNode> config = new LinkedHashMap<>();
            JsonNode values = root == null ? null : root.get("config");
            if (values instanceof ObjectNode settings) {
                settings.fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue()));
            } else if (values != null && !values.isNull() || root != null && !root.isObject()) {
                throw new InvalidConfigException(stack, List.of(new ConfigProblem(stack, "", file.getFileName()
                        + " must be a map with a config: map of keys to values", "a config: line, then keys indented under it, as in Pulumi.dev.yaml")));
            }
            Map<String, String> rewritten = new LinkedHashMap<>();
            read.rewritten().forEach((pointer, written) -> {
                if (pointer.startsWith("/config/" + NAMESPACE)) {
                    rewritten.put("/" + pointer.substring(("/config/" + NAMESPACE).length()), written);
                }
            });
            return new StackFile(stack, config, rewritten);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(stack, List.of(syntaxError(file, stack, e)));
        } catch (EngineYaml.Refused e) {
            throw new InvalidConfigException(stack, List.of(new ConfigProblem(stack, "", file.getFileName() + " line " + e.line + ": "
                    + e.getMessage() + "; the Pulumi CLI refuses this file", "each key once in a map; keys indented by two spaces under config:, as in Pulumi.dev.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Where the parser stopped (the last position it names is the offending one) and why. */
    private static ConfigProblem syntaxError(Path file, String stack, JsonProcessingException e) {
        List<String> lines = e.getOriginalMessage().lines().map(String::strip).toList();
        String why = String.join("; ", lines.stream().takeWhile(l -> !l.startsWith("in '")).filter(l -> !l.isEmpty()).toList());
        int line = e.getLocation().getLineNr();
        int column = e.getLocation().getColumnNr();
        for (String l : lines) {
            Matcher at = POSITION.matcher(l);
            if (l.startsWith("in '") && at.find()) {
                line = Integer.parseInt(at.group(1));
                column = Integer.parseInt(at.group(2));
            }
        }
        return new ConfigProblem(stack, "", file.getFileName() + " is not valid YAML at line " + line + ", column " + column + ": " + why,
                "keys indented by two spaces under config:, as in Pulumi.dev.yaml");
    }

    public String stack() {
        return stack;
    }

    /** The keys set under {@code mlapi:}, without the namespace. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        config.keySet().stream().filter(k -> k.startsWith(NAMESPACE)).forEach(k -> keys.add(k.substring(NAMESPACE.length())));
        return keys;
    }

    /** The keys under {@code mlapi:} whose value is encrypted, without the namespace. */
    public Set<String> encryptedKeys() {
        Set<String> keys = new TreeSet<>();
        secretKeys().stream().filter(k -> k.startsWith(NAMESPACE)).forEach(k -> keys.add(k.substring(NAMESPACE.length())));
        return keys;
    }

    /** Where the encrypted values under {@code mlapi:} are: a key, or a dotted path into one ({@code env.WANDB_KEY}). */
    public Set<String> encryptedValues() {
        Set<String> paths = new TreeSet<>();
        config.forEach((k, v) -> {
            if (k.startsWith(NAMESPACE)) {
                encryptedPaths(v, k.substring(NAMESPACE.length()), paths);
            }
        });
        return paths;
    }

    private static void encryptedPaths(JsonNode node, String path, Set<String> paths) {
        if (isEncrypted(node)) {
            paths.add(path);
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> encryptedPaths(e.getValue(), path + "." + e.getKey(), paths));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                encryptedPaths(node.get(i), path + "[" + i + "]", paths);
            }
        }
    }

    private static boolean isEncrypted(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.get("secure") != null && node.get("secure").isTextual();
    }

    /** Keys whose value is, or holds, an encrypted ({@code secure:}) value. */
    public Set<String> secretKeys() {
        Set<String> keys = new TreeSet<>();
        config.forEach((k, v) -> {
            if (!v.findValues("secure").isEmpty()) {
                keys.add(k);
            }
        });
        return keys;
    }

    /**
     * Every value as the engine hands it to a program: scalars as text, structured values as
     * JSON, each encrypted value replaced by what {@code decrypt} makes of its ciphertext.
     */
    public Map<String, String> engineConfig(UnaryOperator<String> decrypt) {
        Map<String, String> values = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            JsonNode plain = decryptAll(v, decrypt);
            try {
                // The CLI passes a null as empty text.
                values.put(k, plain.isNull() ? "" : plain.isValueNode() ? plain.asText() : JSON.writeValueAsString(plain));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        return values;
    }

    /** This file as a config source, for checking it without the engine. */
    public ConfigSource source(UnaryOperator<String> decrypt) {
        Map<String, String> values = engineConfig(decrypt);
        return ConfigSource.of(stack, keys(), encryptedKeys(), encryptedValues(), rewritten, key -> Optional.ofNullable(values.get(NAMESPACE + key)));
    }

    /**
     * Plain scalars that reach the program as other text than was written ({@code 0755} as 493),
     * by JSON pointer under {@code mlapi:} ({@code /image/tag}), with the written text.
     */
    public Map<String, String> rewritten() {
        return rewritten;
    }

    private static JsonNode decryptAll(JsonNode node, UnaryOperator<String> decrypt) {
        if (isEncrypted(node)) {
            return TextNode.valueOf(decrypt.apply(node.get("secure").asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), decryptAll(e.getValue(), decrypt)));
            return copy;
        }
        if (node.isArray()) {
            var copy = JSON.createArrayNode();
            node.forEach(element -> copy.add(decryptAll(element, decrypt)));
            return copy;
        }
        return node;
    }
}
