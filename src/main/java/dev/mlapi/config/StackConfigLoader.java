package dev.mlapi.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
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
import java.util.TreeSet;

/**
 * Reads a stack's {@code mlapi:} config into {@link MlApiConfig}: binds each key with Jackson,
 * applies the environment defaults, then validates. Every problem found is reported at once.
 */
public final class StackConfigLoader {
    private static final ObjectMapper BINDER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // Unknown fields are reported, with suggestions, by findUnknownFields.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // replicas: 2.5 must not become 2.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final RecordComponent[] FIELDS = MlApiConfig.class.getRecordComponents();
    private static final ObjectNode DEFAULTS = readDefaults();

    static {
        // YAML turns `tag: 1.10` into the number 1.1 and `value: yes` into true; refuse to guess.
        BINDER.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    private StackConfigLoader() {}

    public static MlApiConfig load(ConfigSource source) {
        String stack = source.stack();
        List<ConfigProblem> problems = new ArrayList<>();
        ObjectNode stated = readStated(source, problems);
        Optional<Environment> environment = environmentOf(stack, stated, problems);
        if (environment.isEmpty()) {
            throw new InvalidConfigException(stack, problems);
        }
        ObjectNode defaults = defaultsFor(environment.get());
        ObjectNode merged = defaults.deepCopy();
        merge(merged, stated, MlApiConfig.class);

        findUnknownFields(stack, stated, MlApiConfig.class, "", problems);
        Set<String> rewritten = findRewrittenText(source, stated, problems);
        Object[] values = new Object[FIELDS.length];
        Set<String> unbound = new HashSet<>();
        for (int i = 0; i < FIELDS.length; i++) {
            String name = FIELDS[i].getName();
            int before = problems.size();
            values[i] = bind(stack, FIELDS[i], merged.get(name), problems);
            if (problems.size() > before) {
                // Reported already; validate the rest against the default so every problem shows in one run.
                values[i] = bind(stack, FIELDS[i], defaults.get(name), problems);
                unbound.add(name);
            }
        }
        MlApiConfig config = construct(values);
        new ConfigValidator(stack, stated, source.keys(), source.encryptedKeys()).validate(config).stream()
                .filter(p -> !unbound.contains(p.key().split("[.\\[]")[0]) && !rewritten.contains(p.key()))
                .forEach(problems::add);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(stack, problems);
        }
        return config;
    }

    /** Every default of an environment, as a stack file would state it. */
    public static ObjectNode defaultsFor(Environment environment) {
        ObjectNode defaults = DEFAULTS.get("all").deepCopy();
        merge(defaults, DEFAULTS.get(environment.id()), MlApiConfig.class);
        defaults.put("environment", environment.id());
        return defaults;
    }

    /** The keys the stack states, parsed; unknown keys are reported and left out. */
    private static ObjectNode readStated(ConfigSource source, List<ConfigProblem> problems) {
        ObjectNode stated = YAML.createObjectNode();
        Set<String> secretValues = secretValueKeys(source);
        for (String key : new TreeSet<>(source.keys())) {
            if (secretValues.contains(key)) {
                continue; // a secret's value: read only as a secret output, never here
            }
            if (source.encryptedKeys().contains(key)) {
                // Never read: an encrypted value only stays secret when a secrets entry reads it as one.
                unconsumedSecrets(source, key).forEach(problems::add);
                continue;
            }
            Optional<RecordComponent> field = Arrays.stream(FIELDS).filter(f -> f.getName().equals(key)).findFirst();
            if (field.isEmpty()) {
                problems.add(unknownKey(source.stack(), "", key, fieldNames(MlApiConfig.class)));
                continue;
            }
            String raw = source.get(key).orElse("");
            if (field.get().getType() == String.class || field.get().getType() == Environment.class) {
                stated.set(key, TextNode.valueOf(raw));
                continue;
            }
            try {
                JsonNode node = YAML.readTree(raw);
                if (node != null && !node.isMissingNode()) {
                    stated.set(key, node);
                }
            } catch (JsonProcessingException e) {
                problems.add(new ConfigProblem(source.stack(), key, "is not valid YAML: " + e.getOriginalMessage(), exampleFor(key)));
            }
        }
        return stated;
    }

    /**
     * The encrypted values of a key that no secrets entry reads: each would reach the program
     * as plain text, and from there the Deployment, the state and the preview diff.
     */
    private static List<ConfigProblem> unconsumedSecrets(ConfigSource source, String key) {
        String stack = source.stack();
        if (Arrays.stream(FIELDS).noneMatch(f -> f.getName().equals(key))) {
            return List.of(new ConfigProblem(stack, key, "is encrypted, but no mlapi:secrets entry names it, so no secret would use it",
                    secretEntry(envName(key), key)));
        }
        String problem = "is encrypted, but mlapi:" + key + " is an ordinary setting, read in plain text into the Deployment, the state and"
                + " the preview diff; only an mlapi:secrets entry keeps a value secret";
        List<String> nested = source.encryptedValues().stream().filter(p -> p.startsWith(key + ".") || p.startsWith(key + "[")).sorted().toList();
        if (nested.isEmpty()) {
            // The whole setting is encrypted: it goes back to plain text, its credentials into secrets.
            return List.of(new ConfigProblem(stack, key, problem, "pulumi config rm mlapi:" + key + " --stack " + stack + ", state it in plain text in Pulumi."
                    + stack + ".yaml, and each credential in it as an entry: " + secretEntry("MODEL_REGISTRY_TOKEN", "modelRegistryToken")));
        }
        return nested.stream().map(path -> {
            String variable = envName(path.substring(path.lastIndexOf('.') + 1).replaceAll("\\[\\d+]$", ""));
            String stackConfig = ConfigValidator.camel(variable);
            return new ConfigProblem(stack, path, problem, secretEntry(variable, stackConfig) + " and " + ConfigValidator.setSecret(stackConfig, stack)
                    + ", then pulumi config rm --path mlapi:" + path + " --stack " + stack);
        }).toList();
    }

    private static String secretEntry(String variable, String stackConfig) {
        return "mlapi:secrets: [{name: " + variable.toLowerCase().replace('_', '-') + ", env: " + variable + ", stackConfig: " + stackConfig + "}]";
    }

    /** MODEL_REGISTRY_TOKEN for modelRegistryToken. */
    private static String envName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase().replaceAll("[^A-Z0-9_]", "_");
    }

    /** The keys that mlapi:secrets names as holding secret values. */
    static Set<String> secretValueKeys(ConfigSource source) {
        Set<String> keys = new HashSet<>();
        // An encrypted mlapi:secrets is refused, unread.
        if (source.keys().contains("secrets") && !source.encryptedKeys().contains("secrets")) {
            try {
                YAML.readTree(source.get("secrets").orElse("")).forEach(s -> {
                    for (JsonNode key : List.of(s.path("stackConfig"), s.at("/awsSecretsManager/valueFrom"))) {
                        if (key.isTextual()) {
                            keys.add(key.asText());
                        }
                    }
                });
            } catch (JsonProcessingException e) {
                // Reported when mlapi:secrets itself is read.
            }
        }
        return keys;
    }

    private static Optional<Environment> environmentOf(String stack, ObjectNode stated, List<ConfigProblem> problems) {
        String named = stated.has("environment") ? stated.get("environment").asText() : stack;
        Optional<Environment> environment = Environment.fromId(named);
        if (environment.isEmpty()) {
            String problem = stated.has("environment")
                    ? "'" + named + "' is not an environment; use dev, staging or production"
                    : "stack '" + stack + "' is not named for an environment, so its environment must be stated";
            problems.add(new ConfigProblem(stack, "environment", problem, "mlapi:environment: staging"));
        }
        return environment;
    }

    private static Object bind(String stack, RecordComponent field, JsonNode node, List<ConfigProblem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        JavaType type = BINDER.getTypeFactory().constructType(field.getGenericType());
        try {
            return BINDER.treeToValue(node, type);
        } catch (InputCoercionException e) {
            problems.add(new ConfigProblem(stack, field.getName(), "has a number too large for it: "
                    + e.getOriginalMessage().replaceAll(" \\([-\\d]+ - [-\\d]+\\)$", ""), exampleFor(field.getName())));
            return null;
        } catch (JsonProcessingException e) {
            String path = field.getName() + pathOf(e);
            JsonNode given = valueAt(node, e);
            if (given != null && given.isValueNode() && !given.isTextual() && e instanceof MismatchedInputException m
                    && m.getTargetType() == String.class) {
                problems.add(new ConfigProblem(stack, path, "YAML reads " + given.asText() + " as a "
                        + (given.isBoolean() ? "true/false value" : "number") + ", not as text; put it in quotes",
                        "mlapi:" + path + ": \"" + given.asText() + "\""));
            } else {
                problems.add(new ConfigProblem(stack, path, "expected " + describe(e) + ", got "
                        + (given == null ? "something else" : given.isContainerNode() ? given.getNodeType().toString().toLowerCase() : "'" + given.asText() + "'"),
                        exampleFor(path)));
            }
            return null;
        }
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
    private static String exampleFor(String path) {
        return defaultExample(path).orElse("see the config reference in README.md for mlapi:" + path.split("[.\\[]")[0]);
    }

    private static Optional<String> defaultExample(String path) {
        String[] parts = path.replaceAll("\\[\\d+]", "").split("\\.");
        for (String section : List.of("all", "production")) {
            JsonNode node = DEFAULTS.get(section);
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

    private static void findUnknownFields(String stack, JsonNode node, Type type, String path, List<ConfigProblem> problems) {
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
    private static Set<String> findRewrittenText(ConfigSource source, ObjectNode stated, List<ConfigProblem> problems) {
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

    private static ConfigProblem unknownKey(String stack, String path, String key, Collection<String> known) {
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

    private static List<String> fieldNames(Class<?> record) {
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

    /**
     * Settings groups (records) merge field by field; anything else stated, including a map such
     * as a node selector, replaces the default whole, so a stack can also clear one.
     */
    private static void merge(ObjectNode target, JsonNode overlay, Class<?> record) {
        if (overlay == null) {
            return;
        }
        overlay.fields().forEachRemaining(e -> {
            JsonNode existing = target.get(e.getKey());
            Optional<Class<?>> group = Arrays.stream(record.getRecordComponents())
                    .filter(c -> c.getName().equals(e.getKey())).<Class<?>>map(RecordComponent::getType)
                    .filter(Class::isRecord).findFirst();
            if (existing instanceof ObjectNode existingObject && e.getValue().isObject() && group.isPresent()) {
                merge(existingObject, e.getValue(), group.get());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    private static MlApiConfig construct(Object[] values) {
        try {
            Class<?>[] types = Arrays.stream(FIELDS).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Constructor<MlApiConfig> constructor = MlApiConfig.class.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct MlApiConfig", e);
        }
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = StackConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
