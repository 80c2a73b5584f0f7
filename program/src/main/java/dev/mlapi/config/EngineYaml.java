package dev.mlapi.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A stack file's values as the Pulumi CLI hands them to the program. The CLI reads stack files
 * with Go's yaml.v3, which differs from a YAML 1.1 reader: {@code yes}/{@code on} stay text,
 * {@code 0755} and {@code 0o755} are octal numbers, {@code 1_000} is a number, a date is a
 * timestamp, anchors, aliases and merge keys ({@code <<}) are resolved, and a key stated twice in
 * one map is an error. Numbers then pass through JSON, so {@code 1.0} and {@code 1e3} arrive as
 * the whole numbers 1 and 1000.
 */
public final class EngineYaml {
    /** Plain scalars are resolved here, by yaml.v3's rules, not by the parser's YAML 1.1 ones. */
    private static final Tag PLAIN = new Tag("tag:mlapi.dev,2025:plain");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(false);
    private static final Pattern YAML_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final Pattern DATE = Pattern.compile("^(\\d{4})-(\\d{1,2})-(\\d{1,2})$");
    private static final List<String> TRUE = List.of("true", "True", "TRUE");
    private static final List<String> FALSE = List.of("false", "False", "FALSE");
    private static final List<String> NULL = List.of("", "~", "null", "Null", "NULL");

    private EngineYaml() {}

    /**
     * The values, and for each plain scalar the CLI passes on as other text than was written
     * ({@code 0755} as 493, {@code 1.0} as 1), its JSON pointer and written text.
     */
    public record Read(JsonNode tree, Map<String, String> rewritten) {}

    /** A document the CLI refuses, with the line (from 1) it names. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int line;

        Refused(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    /** Reads a document that a YAML parser has accepted already (syntax errors are its to report). */
    public static Read read(String text) {
        Resolver resolver = new Resolver() {
            @Override
            public Tag resolve(NodeId kind, String value, boolean implicit) {
                return kind == NodeId.scalar && implicit ? PLAIN : super.resolve(kind, value, implicit);
            }
        };
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new org.yaml.snakeyaml.DumperOptions()),
                new org.yaml.snakeyaml.DumperOptions(), options, resolver);
        Node root = yaml.compose(new java.io.StringReader(text));
        Map<String, String> rewritten = new LinkedHashMap<>();
        JsonNode tree = root == null ? NODES.nullNode() : convert(root, JsonPointer.empty(), rewritten);
        return new Read(tree, rewritten);
    }

    private static JsonNode convert(Node node, JsonPointer at, Map<String, String> rewritten) {
        if (node instanceof ScalarNode scalar) {
            JsonNode value = scalar(scalar);
            if (scalar.getTag().equals(PLAIN) && (value.isIntegralNumber() || value.isTextual())
                    && !value.asText().equals(scalar.getValue())) {
                rewritten.put(at.toString(), scalar.getValue());
            }
            return value;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            for (Node item : sequence.getValue()) {
                array.add(convert(item, at.appendIndex(array.size()), rewritten));
            }
            return array;
        }
        MappingNode mapping = (MappingNode) node;
        ObjectNode object = NODES.objectNode();
        Map<String, Integer> lines = new HashMap<>();
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            Node keyNode = entry.getKeyNode();
            if (keyNode instanceof ScalarNode k && k.getTag().equals(PLAIN) && k.getValue().equals("<<")) {
                for (Node source : entry.getValueNode() instanceof SequenceNode list ? list.getValue() : List.of(entry.getValueNode())) {
                    if (!(source instanceof MappingNode)) {
                        throw new Refused("a merge key (<<) takes a map or a list of maps", line(entry.getValueNode()));
                    }
                    // The first map merged wins, and keys stated in the map itself win over all.
                    convert(source, at, new HashMap<>()).fields().forEachRemaining(e -> merged.putIfAbsent(e.getKey(), e.getValue()));
                }
                continue;
            }
            String key = keyNode instanceof ScalarNode k ? k.getValue() : keyNode.toString();
            Integer first = lines.putIfAbsent(key, line(keyNode));
            if (first != null) {
                throw new Refused("mapping key \"" + key + "\" already defined at line " + first, line(keyNode));
            }
            object.set(key, convert(entry.getValueNode(), at.appendProperty(key), rewritten));
        }
        merged.forEach((k, v) -> {
            if (!object.has(k)) {
                object.set(k, v);
            }
        });
        return object;
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static JsonNode scalar(ScalarNode scalar) {
        String in = scalar.getValue();
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.STR) || !tag.equals(PLAIN) && !tag.equals(Tag.INT) && !tag.equals(Tag.FLOAT)
                && !tag.equals(Tag.BOOL) && !tag.equals(Tag.NULL)) {
            return NODES.textNode(in);
        }
        if (TRUE.contains(in) || FALSE.contains(in)) {
            return NODES.booleanNode(TRUE.contains(in));
        }
        if (NULL.contains(in)) {
            return NODES.nullNode();
        }
        if (in.matches("^[-+]?\\.(inf|Inf|INF)$|^\\.(nan|NaN|NAN)$")) {
            throw new Refused("'" + in + "' is infinity or not a number, which the CLI cannot pass on", line(scalar));
        }
        if (in.isEmpty() || "+-0123456789.".indexOf(in.charAt(0)) < 0) {
            return NODES.textNode(in);
        }
        Matcher date = DATE.matcher(in);
        if (date.matches()) {
            return NODES.textNode(String.format("%s-%02d-%02d 00:00:00 +0000 UTC", date.group(1),
                    Integer.parseInt(date.group(2)), Integer.parseInt(date.group(3))));
        }
        String plain = in.replace("_", "");
        BigInteger whole = goParseInt(plain);
        if (whole != null) {
            return integral(whole);
        }
        if (YAML_FLOAT.matcher(plain).matches()) {
            return number(Double.parseDouble(plain));
        }
        return NODES.textNode(in);
    }

    /** Go's strconv.ParseInt/ParseUint with base 0: a sign, then 0x, 0o, 0b or a leading 0 (octal). */
    private static BigInteger goParseInt(String s) {
        boolean negative = s.startsWith("-");
        String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        int radix = 10;
        String lower = digits.toLowerCase();
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        String number = digits;
        int base = radix;
        if (number.isEmpty() || !number.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            return null;
        }
        BigInteger value = new BigInteger(number, base);
        value = negative ? value.negate() : value;
        boolean fits = value.bitLength() < 64 || !negative && value.bitLength() == 64;
        return fits ? value : null;
    }

    /** A float as it comes back from the CLI's JSON: a whole number when it has no fraction. */
    private static JsonNode number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e21) {
            return integral(new BigDecimal(Double.toString(value)).toBigInteger());
        }
        return NODES.numberNode(value);
    }

    /** The node a JSON reader makes of the number: int, long or big integer by size. */
    private static JsonNode integral(BigInteger value) {
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }
}
