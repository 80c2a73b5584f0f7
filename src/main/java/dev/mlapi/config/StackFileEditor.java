package dev.mlapi.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sets {@code mlapi:} keys in a stack file's text: a key that is there has its block replaced,
 * a new one goes at the end of {@code config:}; every other line stays, comments included.
 */
public final class StackFileEditor {
    private static final String INDENT = "  ";

    private StackFileEditor() {}

    public static String withKeys(String text, Map<String, JsonNode> keys, YAMLMapper yaml) throws JsonProcessingException {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int config = lines.indexOf("config:");
        if (config < 0) {
            lines.add("config:");
            config = lines.size() - 1;
        }
        for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
            List<String> block = block(key.getKey(), key.getValue(), yaml);
            int start = -1;
            for (int i = config + 1; i < lines.size() && start < 0; i++) {
                if (lines.get(i).startsWith(INDENT + "mlapi:" + key.getKey() + ":")) {
                    start = i;
                }
            }
            if (start >= 0) {
                int end = start + 1;
                while (end < lines.size() && (lines.get(end).isBlank() || lines.get(end).startsWith(INDENT + " "))) {
                    end++;
                }
                lines.subList(start, end).clear();
                lines.addAll(start, block);
            } else {
                int end = config + 1;
                while (end < lines.size() && (lines.get(end).isBlank() || lines.get(end).startsWith(" "))) {
                    end++;
                }
                while (end > config + 1 && lines.get(end - 1).isBlank()) {
                    end--;
                }
                lines.addAll(end, block);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static List<String> block(String key, JsonNode value, YAMLMapper yaml) throws JsonProcessingException {
        List<String> block = new ArrayList<>();
        if (value.isValueNode()) {
            block.add(INDENT + "mlapi:" + key + ": " + yaml.writeValueAsString(value).strip());
            return block;
        }
        block.add(INDENT + "mlapi:" + key + ":");
        yaml.writeValueAsString(value).lines().forEach(l -> block.add(INDENT + INDENT + l));
        return block;
    }
}
