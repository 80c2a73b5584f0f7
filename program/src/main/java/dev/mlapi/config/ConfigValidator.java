package dev.mlapi.config;

import dev.mlapi.components.KubernetesNames;
import dev.mlapi.components.MlApiArgs;
import dev.mlapi.components.MlApiArgsRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** The rules a bound config must meet; each broken rule becomes one {@link ConfigProblem}. */
final class ConfigValidator extends ConfigRules {
    private static final String DIGEST_EXAMPLE = "mlapi:image.digest: sha256:" + "0123456789abcdef".repeat(4);

    private final SecretRules secretRules;
    private final PodRules podRules;
    private final AccessRules accessRules;
    private final MlApiArgsRules component = new MlApiArgsRules(path -> "mlapi:" + path);

    ConfigValidator(String stack, JsonNode stated, Set<String> keys, Set<String> encryptedKeys) {
        super(stack, stated, new ArrayList<>());
        this.secretRules = new SecretRules(stack, stated, problems, keys, encryptedKeys);
        this.podRules = new PodRules(stack, stated, problems);
        this.accessRules = new AccessRules(stack, stated, problems);
    }

    List<ConfigProblem> validate(MlApiConfig c) {
        // The component's own rules run on the args this config maps to, each group where the stack file's order has it.
        MlApiArgs args = StackArgs.of(c, Map.of(), Map.of());
        check(c.name() != null && !c.name().isBlank(), "name", "is required: the name of your ML API, used for every object", "mlapi:name: sentiment-api");
        if (c.name() != null && !c.name().isBlank()) {
            component(rules -> rules.access().name(c.name()));
            check(stated.path("namespace").has("name") || !KubernetesNames.isDnsLabel(c.name()) || c.namespace().name().length() <= KubernetesNames.MAX_LABEL,
                    "name", "is too long for the namespace named after it, " + c.namespace().name() + " (at most 63 characters)",
                    "mlapi:name: sentiment-api or mlapi:namespace.name: sentiment-" + stack);
        }
        namespace(c.namespace());
        if (image(c.environment(), c.image())) {
            component(rules -> rules.container().imagePull(args));
        }
        component(rules -> rules.placement().replicaBounds(args));
        replicasPinned(c);
        component(rules -> rules.placement().replicaNeeds(args));
        // In production an unstated memory request is the limit (MlApiConfig), checked there.
        component(rules -> rules.container().resources(args, c.environment() == Environment.PRODUCTION && !stated.path("resources").path("requests").has("memory")));
        component(rules -> rules.container().ports(args));
        component(rules -> rules.container().probes(args.probes()));
        component(rules -> rules.container().shutdown(args.shutdown()));
        component(rules -> rules.container().env(args));
        noNullValues("env", c.env());
        secretRules.plainCredentials(c.env(), c.secrets());
        component(rules -> rules.secrets().secrets(args, (index, secret) -> secretRules.source(c, index)));
        component(rules -> rules.secrets().externalSecrets(args, Optional.ofNullable(c.externalSecrets().roleArn())));
        component(rules -> rules.container().configMap(args));
        if (c.configMap() != null && c.configMap().data() != null) {
            noNullValues("configMap.data", c.configMap().data());
        }
        component(rules -> rules.placement().autoscaling(args));
        component(rules -> rules.placement().autoscalingRequests(args));
        podRules.disruptionBudget(c);
        component(rules -> rules.placement().metadata(args));
        component(rules -> rules.placement().scheduling(args));
        accessRules.serviceAccount(c.serviceAccount());
        component(rules -> rules.access().serviceAccount(args));
        component(rules -> rules.access().ingress(args));
        component(rules -> rules.access().networkPolicy(args));
        component(rules -> rules.container().modelCache(args));
        component(rules -> rules.container().mountPaths(args));
        component(rules -> rules.access().connectionTest(args));
        check(c.connectionTest().ttlSecondsAfterFinished() == null, "connectionTest.ttlSecondsAfterFinished", "is no longer a setting: a Job deleted by its TTL is planned"
                + " again by every preview --refresh --expect-no-changes, a false drift; the finished Job now stays, with its pod's log, until the next"
                + " change replaces it. Remove this line", "mlapi:connectionTest: {path: /selftest}");
        component(rules -> rules.access().connectionTestImage(args));
        component(rules -> rules.container().securityContext(args.securityContext()));
        return problems;
    }

    /** Runs one group of the component's rules and reports what it finds under the stack file's keys, which are the args paths. */
    private void component(Consumer<MlApiArgsRules> group) {
        int before = component.problems().size();
        group.accept(component);
        component.problems().stream().skip(before).forEach(p -> problems.add(problem(p.path(), p.problem(), p.example())));
    }

    private void namespace(MlApiConfig.Namespace ns) {
        // A name derived from the app's name is only as good as that name, which is checked already.
        if (ns.name() == null || !stated.path("namespace").has("name")) {
            return;
        }
        component(rules -> rules.access().dnsLabel("namespace.name", ns.name(), "sentiment-api-" + stack));
        check(!KubernetesNames.SYSTEM_NAMESPACES.contains(ns.name()), "namespace.name",
                "'" + ns.name() + "' is a system namespace; the ML API gets a namespace of its own", "mlapi:namespace.name: sentiment-api-" + stack);
    }

    /** The stack file's repository, tag and digest; whether the image is stated at all. */
    private boolean image(Environment env, MlApiConfig.Image image) {
        if (image == null || image.repository() == null || image.repository().isBlank()) {
            problems.add(problem("image.repository", "is required: the container image of your ML API", "mlapi:image.repository: ghcr.io/acme/sentiment-api"));
            return false;
        }
        check(MlApiArgsRules.isRepository(image.repository()), "image.repository",
                "'" + image.repository() + "' is not an image repository (no tag or digest here, lower-case path)", "mlapi:image.repository: ghcr.io/acme/sentiment-api");
        if (image.tag() == null && image.digest() == null) {
            problems.add(problem("image.tag", "an image needs a tag or a digest", "mlapi:image.tag: \"1.4.2\""));
        }
        if (image.tag() != null) {
            check(MlApiArgsRules.isTag(image.tag()), "image.tag", "'" + image.tag() + "' is not a valid image tag", "mlapi:image.tag: \"1.4.2\"");
        }
        if (image.digest() != null) {
            check(MlApiArgsRules.isDigest(image.digest()), "image.digest",
                    "'" + image.digest() + "' is not a sha256 digest (sha256: and 64 lower-case hex digits)", DIGEST_EXAMPLE);
        }
        if (env.requiresImmutableImage() && image.digest() == null && image.tag() != null && !MlApiArgsRules.isImmutableTag(image.tag())) {
            problems.add(problem("image.tag", "'" + image.tag() + "' can point at a different image tomorrow; " + env.id()
                    + " needs a digest or an immutable version tag", DIGEST_EXAMPLE + " or mlapi:image.tag: \"1.4.2\""));
        }
        return true;
    }

    /** The autoscaler owns the count; a count the stack file states would fight it. */
    private void replicasPinned(MlApiConfig c) {
        if (c.autoscaling().enabled() && stated.has("replicas")) {
            problems.add(problem("replicas", "is pinned while autoscaling is on; the autoscaler owns the replica count",
                    "mlapi:autoscaling.minReplicas: " + c.replicas()));
        }
    }

    /** YAML's null (or a bare key) is no text; the program would have nothing to pass on. */
    private void noNullValues(String key, Map<String, String> entries) {
        entries.forEach((name, value) -> check(value != null, key + "." + name, "has no value (YAML null); give text, or \"\" for empty",
                "mlapi:" + key + "." + name + ": \"\""));
    }
}
