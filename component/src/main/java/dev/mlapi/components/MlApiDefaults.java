package dev.mlapi.components;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The values an {@link MlApi} takes for what its args leave out: {@code defaults.yaml} beside this
 * class, the one place the environment defaults live (probes, resources, ids, Service, shutdown...).
 * {@code all} applies everywhere, then the section of the args' environment; a key is the args
 * field of the same name, and a map there is a list of name/value args here. The component
 * package's provider applies them to every MlApi a Python or YAML program declares; a Java program
 * applies them with {@link #apply} (without, an absent group means none, as in 0.1.0). The
 * stack-file program merges the same file under a stack's config ({@link #file()}).
 */
public final class MlApiDefaults {
    private static final ObjectNode FILE = read();
    /** Set in the component package's provider (MlApiProvider), which serves only Python and YAML programs. */
    private static volatile boolean forEveryMlApi;

    private MlApiDefaults() {}

    static void applyToEveryMlApi() {
        forEveryMlApi = true;
    }

    /** The args an MlApi is built from: with the defaults in the package's provider, as given otherwise. */
    static MlApiArgs forComponent(MlApiArgs given) {
        return forEveryMlApi ? apply(given) : given;
    }

    /** A field the component needs a value of: required, or read as the value itself (its accessor returns no Optional and no list). */
    static boolean needed(Field field) {
        Class<?> read = accessor(field).getReturnType();
        return field.getAnnotation(Import.class).required() || (read != Optional.class && read != List.class);
    }

    /** The whole file, {@code all} and a section per environment, as a stack file would state each key. */
    public static ObjectNode file() {
        return FILE.deepCopy();
    }

    /**
     * A copy of the args with what they leave out taken from the defaults, the environment's
     * section first, then {@code all}. A group left out is taken whole; a group given is completed
     * with the values the component needs, but an optional value left out of it stays out (its
     * accessor returns an Optional: a limit left out of {@code resources.limits} is no limit, as a
     * stack file's {@code null} is). The args themselves are not changed.
     */
    public static MlApiArgs apply(MlApiArgs args) {
        List<JsonNode> layers = new ArrayList<>();
        if (args.environment() != null && FILE.has(args.environment()) && !args.environment().equals("all")) {
            layers.add(FILE.get(args.environment()));
        }
        layers.add(FILE.get("all"));
        MlApiArgs filled = filled(args, layers, false);
        memoryRequestIsTheLimitInProduction(filled);
        return filled;
    }

    /** Production reserves its whole memory limit (Guaranteed memory): unstated, the request is the limit, as a stack file's is. */
    private static void memoryRequestIsTheLimitInProduction(MlApiArgs filled) {
        Optional<String> limit = filled.resources().limits().flatMap(QuantitiesArgs::memory);
        Optional<QuantitiesArgs> requests = filled.resources().requests();
        if ("production".equals(filled.environment()) && limit.isPresent() && requests.isPresent() && requests.get().memory().isEmpty()) {
            set(importFields(QuantitiesArgs.class).stream().filter(f -> f.getName().equals("memory")).findFirst().orElseThrow(),
                    requests.get(), limit.get());
        }
    }

    private static <T extends ResourceArgs> T filled(T args, List<JsonNode> layers, boolean whole) {
        @SuppressWarnings("unchecked")
        T copy = (T) newInstance(args.getClass());
        for (Field field : importFields(args.getClass())) {
            String name = field.getAnnotation(Import.class).name();
            List<JsonNode> defaults = layers.stream().map(l -> l.get(name)).filter(Objects::nonNull).toList();
            Object value = get(field, args);
            if (ResourceArgs.class.isAssignableFrom(field.getType()) && (value != null || !defaults.isEmpty())) {
                value = value != null ? filled((ResourceArgs) value, defaults, whole) : filled(newInstance(field.getType()), defaults, true);
            } else if (value == null && !defaults.isEmpty() && (whole || !optional(field))) {
                value = value(field.getGenericType(), defaults.get(0));
            }
            set(field, copy, value);
        }
        return copy;
    }

    /** A value whose absence means something: the args' accessor of the same name returns an Optional. */
    private static boolean optional(Field field) {
        return accessor(field).getReturnType() == Optional.class;
    }

    private static Method accessor(Field field) {
        try {
            return field.getDeclaringClass().getMethod(field.getName());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(field + " has no accessor", e);
        }
    }

    /** A default as the field's type holds it. */
    private static Object value(Type type, JsonNode node) {
        Class<?> raw = raw(type);
        if (raw == Output.class) {
            return Output.of(value(argument(type), node));
        }
        if (raw == List.class) {
            Type item = argument(type);
            List<Object> items = new ArrayList<>();
            if (node.isObject()) {
                node.fields().forEachRemaining(e -> items.add(entry(raw(item), e)));
            } else {
                node.forEach(n -> items.add(value(item, n)));
            }
            return List.copyOf(items);
        }
        if (ResourceArgs.class.isAssignableFrom(raw)) {
            return filled(newInstance(raw), List.of(node), true);
        }
        if (raw == String.class) {
            return node.asText();
        }
        if (raw == Integer.class) {
            return node.intValue();
        }
        if (raw == Boolean.class) {
            return node.booleanValue();
        }
        throw new IllegalStateException("defaults.yaml: no default of type " + type);
    }

    /** One entry of a map: a name/value args. */
    private static ResourceArgs entry(Class<?> type, Map.Entry<String, JsonNode> entry) {
        ObjectNode node = FILE.objectNode();
        node.put("name", entry.getKey());
        node.set("value", entry.getValue());
        return filled(newInstance(type), List.of(node), true);
    }

    private static List<Field> importFields(Class<?> type) {
        return List.of(type.getDeclaredFields()).stream()
                .filter(f -> f.isAnnotationPresent(Import.class) && !Modifier.isStatic(f.getModifiers())).toList();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type) {
        return ((ParameterizedType) type).getActualTypeArguments()[0];
    }

    private static ResourceArgs newInstance(Class<?> type) {
        try {
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return (ResourceArgs) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + type.getName(), e);
        }
    }

    private static Object get(Field field, Object target) {
        try {
            field.setAccessible(true);
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Field field, Object target, Object value) {
        try {
            field.setAccessible(true);
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode read() {
        try (InputStream in = MlApiDefaults.class.getResourceAsStream("defaults.yaml")) {
            return (ObjectNode) new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
