package dev.mlapi.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.components.MlApiDefaults;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
    // The component's defaults: what MlApi takes for args left out is what a stack file leaves out.
    static final ObjectNode DEFAULTS = MlApiDefaults.file();

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

        ConfigDiagnostics.findUnknownFields(stack, stated, MlApiConfig.class, "", problems);
        Set<String> rewritten = ConfigDiagnostics.findRewrittenText(source, stated, problems);
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
                SecretRules.unconsumedSecrets(source, key).forEach(problems::add);
                continue;
            }
            Optional<RecordComponent> field = Arrays.stream(FIELDS).filter(f -> f.getName().equals(key)).findFirst();
            if (field.isEmpty()) {
                problems.add(ConfigDiagnostics.unknownKey(source.stack(), "", key, ConfigDiagnostics.fieldNames(MlApiConfig.class)));
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
                problems.add(new ConfigProblem(source.stack(), key, "is not valid YAML: " + e.getOriginalMessage(), ConfigDiagnostics.exampleFor(key)));
            }
        }
        return stated;
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
        } catch (JsonProcessingException e) {
            problems.add(ConfigDiagnostics.bindProblem(stack, field.getName(), node, e));
            return null;
        }
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
}
