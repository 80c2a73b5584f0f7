package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The rules an {@link MlApiArgs} must meet, stated once for every consumer: {@link MlApi} checks
 * its args with {@link #check} before it creates anything, and the stack-file program runs the
 * same groups on the args it maps from a stack file, in its own order, with examples that name
 * its keys ({@code keys} renders an args path as the consumer writes it).
 */
public final class MlApiArgsRules extends ArgsRules {
    /** The most replicas an API may ask for. */
    public static final int MAX_REPLICAS = 1000;
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    // The reference grammar of the distribution spec, without the optional tag and digest.
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    /** Tags that name one build forever: a semantic version, or a commit id. */
    private static final Pattern IMMUTABLE_TAG = Pattern.compile("^v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$|^(?:[a-z0-9.-]+-)?[0-9a-f]{7,40}$");
    private static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");
    private static final String DIGEST_EXAMPLE = "sha256:" + "0123456789abcdef".repeat(4);

    private final ContainerArgsRules container = new ContainerArgsRules(keys, problems);
    private final PlacementArgsRules placement = new PlacementArgsRules(keys, problems);
    private final AccessArgsRules access = new AccessArgsRules(keys, problems);
    private final SecretArgsRules secrets = new SecretArgsRules(keys, problems);

    /** @param keys how the consumer writes an args path in an example ({@code probes.periodSeconds}) */
    public MlApiArgsRules(UnaryOperator<String> keys) {
        super(keys, new ArrayList<>());
    }

    /** The rules of the container. */
    public ContainerArgsRules container() {
        return container;
    }

    /** The rules of how many pods run and where. */
    public PlacementArgsRules placement() {
        return placement;
    }

    /** The rules of names and access. */
    public AccessArgsRules access() {
        return access;
    }

    /** The rules of secrets. */
    public SecretArgsRules secrets() {
        return secrets;
    }

    /** Every problem of the args of the MlApi called {@code name}, in the order of the args; thrown together. */
    public static void check(String name, MlApiArgs args) {
        MlApiArgsRules rules = new MlApiArgsRules(UnaryOperator.identity());
        rules.required("", args);
        if (rules.problems.isEmpty()) {
            rules.all(name, args);
        }
        if (!rules.problems.isEmpty()) {
            throw new InvalidArgsException(name, rules.problems);
        }
    }

    /** The problems found so far, in the order they were found. */
    public List<ArgsProblem> problems() {
        return List.copyOf(problems);
    }

    private void all(String name, MlApiArgs args) {
        access.name(name);
        if (!ENVIRONMENTS.contains(args.environment())) {
            // The rest depends on the environment's rules and defaults (MlApiDefaults).
            problem("environment", "must be one of " + ENVIRONMENTS, example("environment", "dev"));
            return;
        }
        container.imagePull(args);
        placement.replicaBounds(args);
        placement.replicaNeeds(args);
        container.resources(args, false);
        container.ports(args);
        container.probes(args.probes());
        container.shutdown(args.shutdown());
        container.env(args);
        secrets.secrets(args, SecretArgsRules::ownSources);
        // The role's ARN may be an output: checked once known (SecretArgsRules.checkedRoleArn).
        secrets.externalSecrets(args, Optional.empty());
        container.configMap(args);
        placement.autoscaling(args);
        placement.autoscalingRequests(args);
        placement.metadata(args);
        placement.scheduling(args);
        access.serviceAccount(args);
        access.ingress(args);
        access.networkPolicy(args);
        container.modelCache(args);
        container.mountPaths(args);
        access.connectionTest(args);
        access.connectionTestImage(args);
        container.securityContext(args.securityContext());
    }

    /** Every field the component needs is set, in the groups that are (the schema requires only those without a default). */
    private void required(String at, ResourceArgs args) {
        for (Field field : args.getClass().getDeclaredFields()) {
            Import annotation = field.getAnnotation(Import.class);
            if (annotation == null) {
                continue;
            }
            Object value;
            try {
                field.setAccessible(true);
                value = field.get(args);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            String path = at + annotation.name();
            if (value == null && MlApiDefaults.needed(field)) {
                problems.add(new ArgsProblem(path, "is required", keys.apply(path) + ": ..."));
            } else if (value instanceof ResourceArgs group) {
                required(path + ".", group);
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof ResourceArgs item) {
                        required(path + "[" + i + "].", item);
                    }
                }
            }
        }
    }

    /**
     * The image reference, once its value is known (it may come from another resource): the
     * component fails with these problems when there are any. Staging and production run only
     * references that cannot change: a digest, or an immutable version tag.
     */
    public static List<ArgsProblem> imageReference(String environment, String reference) {
        MlApiArgsRules rules = new MlApiArgsRules(UnaryOperator.identity());
        int at = reference.indexOf('@');
        int colon = reference.lastIndexOf(':');
        boolean tagged = at < 0 && colon > reference.lastIndexOf('/');
        String repository = at >= 0 ? reference.substring(0, at) : tagged ? reference.substring(0, colon) : reference;
        String example = rules.example("image.reference", "ghcr.io/acme/sentiment-api@" + DIGEST_EXAMPLE);
        rules.check(isRepository(repository) && (at < 0 || isDigest(reference.substring(at + 1))) && (!tagged || isTag(reference.substring(colon + 1))),
                "image.reference", "'" + reference + "' is not an image reference: a repository (lower-case path), then :tag or @sha256: and 64 lower-case hex digits",
                example);
        if (rules.problems.isEmpty() && !environment.equals("dev") && at < 0 && !(tagged && isImmutableTag(reference.substring(colon + 1)))) {
            rules.problem("image.reference", "'" + reference + "' can point at a different image tomorrow; " + environment
                    + " needs a digest or an immutable version tag", example + " or ghcr.io/acme/sentiment-api:1.4.2");
        }
        return rules.problems();
    }

    /** The image reference of the args, failing the component when its value breaks {@link #imageReference}. */
    static Output<String> checkedImage(String name, MlApiArgs args) {
        return args.image().reference().applyValue(reference -> {
            List<ArgsProblem> problems = imageReference(args.environment(), reference);
            if (!problems.isEmpty()) {
                throw new InvalidArgsException(name, problems);
            }
            return reference;
        });
    }

    /** A tag as the distribution spec writes it. */
    public static boolean isTag(String tag) {
        return TAG.matcher(tag).matches();
    }

    /** A tag that names one build forever: a semantic version, or a commit id. */
    public static boolean isImmutableTag(String tag) {
        return IMMUTABLE_TAG.matcher(tag).matches();
    }

    /** An image repository as the distribution spec writes it, without tag or digest. */
    public static boolean isRepository(String repository) {
        return REPOSITORY.matcher(repository).matches();
    }

    /** A sha256 digest: sha256: and 64 lower-case hex digits. */
    public static boolean isDigest(String digest) {
        return DIGEST.matcher(digest).matches();
    }
}
