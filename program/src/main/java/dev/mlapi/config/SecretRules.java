package dev.mlapi.config;

import dev.mlapi.components.ArgsProblem;
import dev.mlapi.components.ContainerArgsRules;
import dev.mlapi.components.SecretArgsRules;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of secrets: each entry of mlapi:secrets has one source and one target, a
 * stack-config value is encrypted, an AWS entry names a secret the External Secrets Operator can
 * read, a sealed value is one, and no credential sits in plain text in mlapi:env. How the operator
 * reaches AWS is the component's rule (MlApiArgsRules.externalSecrets).
 */
final class SecretRules extends ConfigRules {

    private final Set<String> keys;
    private final Set<String> encryptedKeys;

    SecretRules(String stack, JsonNode stated, List<ConfigProblem> problems, Set<String> keys, Set<String> encryptedKeys) {
        super(stack, stated, problems);
        this.keys = keys;
        this.encryptedKeys = encryptedKeys;
    }

    /** A credential (see {@link PlainCredentials}) whose value is not the path of one of the stack's secret files. */
    void plainCredentials(Map<String, String> env, List<MlApiConfig.SecretRef> secrets) {
        List<String> secretFiles = secrets.stream().filter(s -> s.mountPath() != null).map(s -> s.mountPath() + "/" + s.name()).toList();
        env.forEach((n, value) -> PlainCredentials.find(n, value).filter(what -> !secretFiles.contains(value)).ifPresent(what -> problems.add(problem("env." + n,
                "looks like " + what + " in plain text, which would sit in git and in the state; make it a secret",
                "mlapi:secrets: [{name: " + n.toLowerCase().replace('_', '-') + ", env: " + n + ", stackConfig: " + camel(n)
                        + "}] and " + setSecret(camel(n), stack)))));
    }

    /**
     * What the stack file says of where entry {@code index}'s value comes from (the component
     * checks the rest of each entry): one source stated, an encrypted stack-config key, a
     * sealed value made by ./mlapi seal.
     */
    List<ArgsProblem> source(MlApiConfig c, int index) {
        MlApiConfig.SecretRef s = c.secrets().get(index);
        String at = "secrets[" + index + "]";
        List<ArgsProblem> found = new ArrayList<>();
        if (s.source() == null) {
            found.add(new ArgsProblem(at, "takes exactly one source: stackConfig (an encrypted stack-config key), awsSecretsManager or sealed",
                    "stackConfig: modelRegistryToken"));
        } else {
            s.source().visit(key -> encryptedKey(at + ".stackConfig", key.key()).ifPresent(found::add),
                    aws -> Optional.ofNullable(aws.valueFrom()).flatMap(key -> encryptedKey(at + ".awsSecretsManager.valueFrom", key)).ifPresent(found::add),
                    sealed -> {
                        if (!SecretArgsRules.isSealedValue(sealed.encryptedData())) {
                            found.add(new ArgsProblem(at + ".sealed.encryptedData", "is not a sealed value; make one with ./mlapi seal " + stack + " " + s.name(),
                                    "sealed: {encryptedData: AgBy3i4OJSWK+PiTySYZZA...}"));
                        }
                    });
        }
        return found;
    }

    private Optional<ArgsProblem> encryptedKey(String at, String key) {
        if (!keys.contains(key)) {
            return Optional.of(new ArgsProblem(at, "mlapi:" + key + " is not set", setSecret(key, stack)));
        }
        if (!encryptedKeys.contains(key)) {
            return Optional.of(new ArgsProblem(at, "mlapi:" + key + " is in plain text in the stack file; it must be encrypted", setSecret(key, stack)));
        }
        return Optional.empty();
    }

    /**
     * The command that sets a secret, its value read from a file (or typed at the prompt
     * without one): never on the command line, where ps and the shell's history keep it.
     */
    static String setSecret(String key, String stack) {
        return "pulumi config set --secret mlapi:" + key + " --stack " + stack + " < "
                + key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT) + ".txt";
    }

    static String camel(String envName) {
        StringBuilder out = new StringBuilder();
        for (String part : envName.toLowerCase().split("_")) {
            out.append(out.length() == 0 ? part : part.isEmpty() ? "" : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }

    /**
     * The encrypted values of a key that no secrets entry reads: each would reach the program
     * as plain text, and from there the Deployment, the state and the preview diff.
     */
    static List<ConfigProblem> unconsumedSecrets(ConfigSource source, String key) {
        String stack = source.stack();
        if (Arrays.stream(MlApiConfig.class.getRecordComponents()).noneMatch(f -> f.getName().equals(key))) {
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
            String stackConfig = camel(variable);
            return new ConfigProblem(stack, path, problem, secretEntry(variable, stackConfig) + " and " + setSecret(stackConfig, stack)
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
}
