package dev.mlapi.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits a stack file's text line by line, so that every line it does not change stays as it
 * was, comments and encrypted values included: whole {@code mlapi:} keys (an import), or fields
 * inside one key's block (a promotion's image digest). Callers that need proof parse the result.
 */
public final class StackFileEditor {
    private static final String INDENT = "  ";
    private static final Pattern KEY_LINE = Pattern.compile("^(\\s*)([A-Za-z0-9_:.-]+):(.*)$");

    /** Why a key's fields could not be edited. */
    public enum Refusal { NO_BLOCK, ONE_LINE, NO_ANCHOR }

    /** The key is not a block of fields the editor can change. */
    public static final class NotEditable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        NotEditable(Refusal refusal, String key) {
            super(key + ": " + refusal);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private final List<String> lines;

    private StackFileEditor(String text) {
        this.lines = new ArrayList<>(text.lines().toList());
    }

    /**
     * Sets {@code mlapi:} keys: a key that is there has its block replaced, a new one goes at
     * the end of {@code config:}.
     */
    public static String withKeys(String text, Map<String, JsonNode> keys, YAMLMapper yaml) throws JsonProcessingException {
        StackFileEditor file = new StackFileEditor(text);
        int config = file.lines.indexOf("config:");
        if (config < 0) {
            file.lines.add("config:");
            config = file.lines.size() - 1;
        }
        for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
            List<String> block = block(key.getKey(), key.getValue(), yaml);
            int start = file.keyLine(key.getKey());
            if (start >= 0) {
                int end = start + 1;
                while (end < file.lines.size() && (file.lines.get(end).isBlank() || file.lines.get(end).startsWith(INDENT + " "))) {
                    end++;
                }
                file.lines.subList(start, end).clear();
                file.lines.addAll(start, block);
            } else {
                int end = config + 1;
                while (end < file.lines.size() && (file.lines.get(end).isBlank() || file.lines.get(end).startsWith(" "))) {
                    end++;
                }
                while (end > config + 1 && file.lines.get(end - 1).isBlank()) {
                    end--;
                }
                file.lines.addAll(end, block);
            }
        }
        return file.text();
    }

    /**
     * Sets scalar fields in the block of {@code mlapi:<key>}, at the indent of its other fields,
     * and removes the fields {@code removed}; a field not there yet goes after the field
     * {@code anchor}, which must be there. A value set replaces its line, comment and all.
     */
    public static String withFields(String text, String key, Map<String, String> set, Set<String> removed, String anchor) {
        StackFileEditor file = new StackFileEditor(text);
        int start = file.keyLine(key);
        if (start < 0) {
            throw new NotEditable(Refusal.NO_BLOCK, key);
        }
        Matcher keyLine = KEY_LINE.matcher(file.lines.get(start));
        if (keyLine.matches() && !keyLine.group(3).replaceAll("#.*", "").isBlank()) {
            throw new NotEditable(Refusal.ONE_LINE, key);
        }
        int parentIndent = indent(file.lines.get(start));
        int childIndent = -1;
        int anchorLine = -1;
        Map<String, Integer> setLines = new LinkedHashMap<>();
        for (int end = start + 1; end < file.lines.size(); end++) {
            String line = file.lines.get(end);
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            if (indent(line) <= parentIndent) {
                break;
            }
            Matcher m = KEY_LINE.matcher(line);
            if (m.matches() && (childIndent < 0 || indent(line) == childIndent)) {
                childIndent = indent(line);
                if (removed.contains(m.group(2))) {
                    file.lines.set(end, null);
                } else if (set.containsKey(m.group(2))) {
                    setLines.put(m.group(2), end);
                }
                if (m.group(2).equals(anchor)) {
                    anchorLine = end;
                }
            }
        }
        if (anchorLine < 0) {
            throw new NotEditable(Refusal.NO_ANCHOR, key + "." + anchor);
        }
        for (Map.Entry<String, String> field : set.entrySet()) {
            String entry = " ".repeat(childIndent) + field.getKey() + ": " + field.getValue();
            if (setLines.containsKey(field.getKey())) {
                file.lines.set(setLines.get(field.getKey()), entry);
            } else {
                file.lines.add(anchorLine + 1, entry);
            }
        }
        file.lines.removeIf(Objects::isNull);
        return file.text();
    }

    /** The line of {@code mlapi:<key>} under {@code config:}, or -1. */
    private int keyLine(String key) {
        for (int i = lines.indexOf("config:") + 1; i > 0 && i < lines.size(); i++) {
            if (lines.get(i).startsWith(INDENT + StackFile.NAMESPACE + key + ":")) {
                return i;
            }
        }
        return -1;
    }

    private String text() {
        return String.join("\n", lines) + "\n";
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static List<String> block(String key, JsonNode value, YAMLMapper yaml) throws JsonProcessingException {
        List<String> block = new ArrayList<>();
        if (value.isValueNode()) {
            block.add(INDENT + StackFile.NAMESPACE + key + ": " + yaml.writeValueAsString(value).strip());
            return block;
        }
        block.add(INDENT + StackFile.NAMESPACE + key + ":");
        yaml.writeValueAsString(value).lines().forEach(l -> block.add(INDENT + INDENT + l));
        return block;
    }
}
