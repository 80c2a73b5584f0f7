package dev.mlapi.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the loader tells a user about a stack file it cannot take as it is: unknown keys with
 * the setting they probably meant, values of the wrong type, text that YAML turned into a
 * number, each with an example taken from the defaults where they have one.
 */
final class ConfigDiagnostics {
    private ConfigDiagnostics() {}

    /** The problem of a value that does not bind to its setting's type: where, what was expected, and an example. */
    static ConfigProblem bindProblem(String stack, String field, JsonNode node, JsonProcessingException e) {
        if (e instanceof InputCoercionException) {
            return new ConfigProblem(stack, field, "has a number too large for it: "
                    + e.getOriginalMessage().replaceAll(" \\([-\\d]+ - [-\\d]+\\)$", ""), exampleFor(field));
        }
        String path = field + pathOf(e);
        JsonNode given = valueAt(node, e);
        if (given != null && given.isValueNode() && !given.isTextual() && e instanceof MismatchedInputException m
                && m.getTargetType() == String.class) {
            return new ConfigProblem(stack, path, "YAML reads " + given.asText() + " as a "
                    + (given.isBoolean() ? "true/false value" : "number") + ", not as text; put it in quotes",
                    "mlapi:" + path + ": \"" + given.asText() + "\"");
        }
        return new ConfigProblem(stack, path, "expected " + describe(e) + ", got "
                + (given == null ? "something else" : given.isContainerNode() ? given.getNodeType().toString().toLowerCase() : "'" + given.asText() + "'"),
                exampleFor(path));
    }

    private static JsonNode valueAt(JsonNode node, JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return null;
        }
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
        }
        return node.isMissingNode() ? null : node;
    }

    private static String pathOf(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(JsonProcessingException e) {
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (target == Integer.class || target == int.class) {
            return "a whole number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (target != null && List.class.isAssignableFrom(target)) {
            return "a list";
        }
        if (target != null && (Map.class.isAssignableFrom(target) || target.isRecord())) {
            return "a map of settings";
        }
        if (target == String.class || target == Environment.class) {
            return "text";
        }
        return "a value of another type";
    }

    /** A stack-file example for a key, taken from the defaults where they have one. */
    static String exampleFor(String path) {
        return defaultExample(path).orElse("see the config reference in README.md for mlapi:" + path.split("[.\\[]")[0]);
    }

    private static Optional<String> defaultExample(String path) {
        String[] parts = path.replaceAll("\\[\\d+]", "").split("\\.");
        for (String section : List.of("all", "production")) {
            JsonNode node = StackConfigLoader.DEFAULTS.get(section);
            for (String part : parts) {
                node = node == null ? null : node.get(part);
            }
            if (node != null && node.isValueNode()) {
                return Optional.of("mlapi:" + path + ": " + node.asText());
            }
            if (node != null && node.isObject() && node.fields().hasNext() && node.fields().next().getValue().isValueNode()) {
                var first = node.fields().next();
                return Optional.of("mlapi:" + path + "." + first.getKey() + ": " + first.getValue().asText());
            }
        }
        return Optional.empty();
    }

    static void findUnknownFields(String stack, JsonNode node, Type type, String path, List<ConfigProblem> problems) {
        Class<?> raw = rawClass(type);
        if (raw.isRecord() && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            Map<String, Type> settings = settings(raw);
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> entry = fields.next();
                Type setting = settings.get(entry.getKey());
                if (setting == null) {
                    problems.add(unknownKey(stack, path, entry.getKey(), settings.keySet()));
                } else {
                    findUnknownFields(stack, entry.getValue(), setting, join(path, entry.getKey()), problems);
                }
            }
        } else if (Map.class.isAssignableFrom(raw) && node.isObject() && type instanceof ParameterizedType p) {
            node.fields().forEachRemaining(e -> findUnknownFields(stack, e.getValue(), p.getActualTypeArguments()[1], join(path, e.getKey()), problems));
        } else if (List.class.isAssignableFrom(raw) && node.isArray() && type instanceof ParameterizedType p) {
            for (int i = 0; i < node.size(); i++) {
                findUnknownFields(stack, node.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]", problems);
            }
        }
    }

    /** Text that YAML turned into a number or a time, so the program would get other text than was written. */
    static Set<String> findRewrittenText(ConfigSource source, ObjectNode stated, List<ConfigProblem> problems) {
        Set<String> reported = new HashSet<>();
        source.rewritten().forEach((pointer, written) -> {
            Type type = MlApiConfig.class;
            StringBuilder path = new StringBuilder();
            for (JsonPointer at = JsonPointer.compile(pointer); type != null && !at.matches(); at = at.tail()) {
                Class<?> raw = rawClass(type);
                Type[] arguments = type instanceof ParameterizedType p ? p.getActualTypeArguments() : new Type[0];
                String segment = at.getMatchingProperty();
                if (raw.isRecord()) {
                    type = settings(raw).get(segment);
                    path.append(path.length() == 0 ? "" : ".").append(segment);
                } else if (Map.class.isAssignableFrom(raw)) {
                    type = arguments[1];
                    path.append('.').append(segment);
                } else if (List.class.isAssignableFrom(raw)) {
                    type = arguments[0];
                    path.append('[').append(segment).append(']');
                } else {
                    type = null;
                }
            }
            String key = path.toString();
            if ((type == String.class || type == Environment.class) && problems.stream().noneMatch(p -> p.key().equals(key))) {
                reported.add(key);
                problems.add(new ConfigProblem(source.stack(), key, "YAML reads " + written + " as " + stated.at(pointer).asText()
                        + ", not as the text written; put it in quotes", "mlapi:" + key + ": \"" + written + "\""));
            }
        });
        return reported;
    }

    static ConfigProblem unknownKey(String stack, String path, String key, Collection<String> known) {
        String full = join(path, key);
        Optional<String> close = known.stream()
                .filter(k -> k.equalsIgnoreCase(key) || editDistance(k.toLowerCase(), key.toLowerCase()) <= Math.max(2, key.length() / 4))
                .min(Comparator.comparingInt(k -> editDistance(k.toLowerCase(), key.toLowerCase())));
        String problem = "is not a known setting" + close.map(c -> "; did you mean '" + join(path, c) + "'?").orElse("");
        String example = close.map(c -> defaultExample(join(path, c)).orElse("mlapi:" + join(path, c)))
                .orElse("one of " + String.join(", ", known));
        return new ConfigProblem(stack, full, problem, example);
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static List<String> fieldNames(Class<?> record) {
        return List.copyOf(settings(record).keySet());
    }

    /**
     * The keys a stack file states for a settings group, with their types: the record's
     * components, or the parameters of the factory that binds it from the stack file's form
     * when that differs ({@link MlApiConfig.SecretRef}).
     */
    private static Map<String, Type> settings(Class<?> record) {
        Map<String, Type> settings = new LinkedHashMap<>();
        Optional<Method> factory = Arrays.stream(record.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(JsonCreator.class)).findFirst();
        if (factory.isPresent()) {
            Parameter[] parameters = factory.get().getParameters();
            for (int i = 0; i < parameters.length; i++) {
                settings.put(parameters[i].getAnnotation(JsonProperty.class).value(), factory.get().getGenericParameterTypes()[i]);
            }
        } else {
            Arrays.stream(record.getRecordComponents()).forEach(c -> settings.put(c.getName(), c.getGenericType()));
        }
        return settings;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Class<?> rawClass(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }
}
