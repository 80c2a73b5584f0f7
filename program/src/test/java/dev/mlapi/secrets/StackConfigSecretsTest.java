package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.config.InvalidConfigException;
import dev.mlapi.config.PulumiConfigSource;
import dev.mlapi.config.SecretValues;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets from encrypted stack config, under mocks: secret all the way, wired into the pods. */
class StackConfigSecretsTest {
    /** The SDK's marker for a secret value in a registration. */
    private static final String SECRET_SIG = "4dabf18193072939515e22adb298388d";

    @TempDir
    Path project;

    @Test
    void theValueReachesTheSecretOnlyAsASecretAndThePodsByReference() throws IOException {
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replaceAll("      mountPath: .*\n", "      env: MODEL_REGISTRY_TOKEN\n")
                .replaceAll("    SECRET_FILE: .*\n", ""));
        String ciphertext = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(Path.of("Pulumi.dev.yaml").toFile())
                .at("/config/mlapi:modelRegistryToken/secure").asText();
        String value = ProgramUnderMocks.testSecret(ciphertext);
        var run = ProgramUnderMocks.run(project, "dev");

        var secret = run.one("kubernetes:core/v1:Secret");
        JsonNode data = secret.inputs().get("stringData");
        assertEquals("1b47061264138c4ac30d75fd1eb44270", data.get(SECRET_SIG).asText(), "stringData is a secret output");
        assertEquals(value, data.at("/value/model-registry-token").asText());
        assertTrue(secret.inputs().get("immutable").asBoolean(), "a rotated value makes a new Secret, and rolls the pods");

        // Nowhere else: not in any other input, nor in the Secret outside its secret wrapper.
        for (var resource : run.resources()) {
            JsonNode inputs = resource.inputs().deepCopy();
            if (inputs instanceof ObjectNode object) {
                object.remove("stringData");
            }
            assertFalse(inputs.toString().contains(value), resource.type() + " holds the secret value");
        }
        run.result().outputs().keySet().forEach(k -> assertFalse(String.valueOf(run.output(k)).contains(value), k));

        JsonNode env = run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/spec/containers/0/env");
        JsonNode ref = null;
        for (JsonNode e : env) {
            if (e.get("name").asText().equals("MODEL_REGISTRY_TOKEN")) {
                ref = e.at("/valueFrom/secretKeyRef");
            }
        }
        assertEquals("model-registry-token", ref.get("key").asText());
        assertTrue(ref.get("name").asText().startsWith("sentiment-api-secrets-"), ref.toString());
    }

    /**
     * What {@code pulumi config set --secret --path mlapi:env.WANDB_KEY} writes: an encrypted value
     * under an ordinary setting. It is refused before anything is registered, and its value is
     * nowhere in plain text.
     */
    @Test
    void anEncryptedValueUnderAnOrdinarySettingIsRefusedAndNeverReadInPlainText() throws IOException {
        String ciphertext = "v1:f+idfjFNDVFCCErh:qavkHGSqU8mEyKGsrljPFfwiYGx7hHhCXoyKRkw4HHdkqw==";
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("    LOG_LEVEL: debug\n",
                "    LOG_LEVEL: debug\n    WANDB_KEY:\n      secure: " + ciphertext + "\n"));
        String value = ProgramUnderMocks.testSecret(ciphertext);

        var run = ProgramUnderMocks.run(project, "dev");

        assertEquals(List.of(), run.resources().stream().filter(r -> plainText(r.inputs()).contains(value))
                .map(r -> r.type() + " " + r.name()).toList(), "resources holding the value in plain text");
        List<String> problems = run.result().exceptions().stream()
                .map(e -> e instanceof InvalidConfigException ice ? ice : e.getCause() instanceof InvalidConfigException ice ? ice : null)
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow(() -> new AssertionError("no config error in " + run.result().exceptions()))
                .problems().stream().map(Object::toString).toList();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("[dev] mlapi:env.WANDB_KEY: is encrypted"), problems.get(0));
        assertFalse(problems.get(0).contains(value));
        assertTrue(run.resources().stream().noneMatch(r -> r.type().startsWith("kubernetes:")), () -> "registered " + run.types());
    }

    /**
     * A key the engine passes as a secret (PULUMI_CONFIG_SECRET_KEYS), from an ESC environment
     * say, though the stack file shows no {@code secure:}, is a secret too: a setting holding one
     * is refused unread, instead of going into the Deployment in plain text.
     */
    @Test
    void aKeyTheEngineMarksSecretCountsAsEncrypted() throws IOException {
        String stackFile = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), stackFile.replace("    LOG_LEVEL: debug\n", "    LOG_LEVEL: debug\n    FEATURE_STORE: fs-from-the-engine\n"));
        var file = StackFile.read(project, "dev");
        var secretKeys = new java.util.HashSet<>(file.secretKeys());
        secretKeys.add("mlapi:env");
        var readInPlain = new java.util.concurrent.CopyOnWriteArrayList<String>();
        try {
            var result = com.pulumi.test.internal.PulumiTestInternal.builder()
                    .options(com.pulumi.test.TestOptions.builder().projectName("mlapi").stackName("dev").preview(false).build())
                    .config(file.engineConfig(ProgramUnderMocks::testSecret), secretKeys)
                    .mocks(args -> java.util.concurrent.CompletableFuture.completedFuture(
                            com.pulumi.test.Mocks.ResourceResult.of(java.util.Optional.of(args.name + "-id"), args.inputs)))
                    .build()
                    .runTest(ctx -> readInPlain.addAll(StackConfigLoader.load(PulumiConfigSource.of(ctx, project)).env().values()));
            assertFalse(readInPlain.contains("fs-from-the-engine"), "the program has the value in plain text: " + readInPlain);
            InvalidConfigException error = result.exceptions().stream()
                    .map(e -> e instanceof InvalidConfigException ice ? ice : e.getCause() instanceof InvalidConfigException ice ? ice : null)
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow(() -> new AssertionError("no config error in " + result.exceptions()));
            assertEquals(List.of("[dev] mlapi:env: is encrypted, but mlapi:env is an ordinary setting, read in plain text into the Deployment,"
                    + " the state and the preview diff; only an mlapi:secrets entry keeps a value secret (for example: pulumi config rm mlapi:env"
                    + " --stack dev, state it in plain text in Pulumi.dev.yaml, and each credential in it as an entry: mlapi:secrets:"
                    + " [{name: model-registry-token, env: MODEL_REGISTRY_TOKEN, stackConfig: modelRegistryToken}])"),
                    error.problems().stream().map(Object::toString).toList());
        } finally {
            com.pulumi.test.PulumiTest.cleanup();
        }
    }

    /** A registration's inputs without the values it marks secret. */
    static String plainText(JsonNode inputs) {
        JsonNode copy = inputs.deepCopy();
        dropSecrets(copy);
        return copy.toString();
    }

    private static void dropSecrets(JsonNode node) {
        if (node instanceof ObjectNode object) {
            java.util.List<String> secrets = new java.util.ArrayList<>();
            object.fields().forEachRemaining(e -> {
                if (e.getValue().has(SECRET_SIG)) {
                    secrets.add(e.getKey());
                }
            });
            secrets.forEach(object::remove);
        }
        node.forEach(StackConfigSecretsTest::dropSecrets);
    }

    @Test
    void theCommittedDevSecretIsAFileMountedReadOnlyForThePodsGroupOnly() {
        var pod = ProgramUnderMocks.run("dev").one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/spec");

        JsonNode volume = null;
        for (JsonNode v : pod.get("volumes")) {
            if (v.has("secret")) {
                volume = v;
            }
        }
        assertEquals("model-registry-token", volume.at("/secret/items/0/key").asText());
        assertEquals(0440, volume.at("/secret/defaultMode").asInt());
        boolean mounted = false;
        for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
            mounted |= m.get("name").asText().equals(volume.get("name").asText())
                    && m.get("mountPath").asText().equals("/var/run/secrets/registry") && m.get("readOnly").asBoolean();
        }
        assertTrue(mounted, pod.at("/containers/0/volumeMounts").toString());
        assertFalse(pod.at("/containers/0/env").toString().contains("MODEL_REGISTRY_TOKEN"));
    }

    @Test
    void renderModeNeverGivesTheManifestTheValue() throws IOException {
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("config:\n", "config:\n  kubernetes:renderYamlToDirectory: /tmp/rendered\n"));

        var secret = ProgramUnderMocks.run(project, "dev").one("kubernetes:core/v1:Secret");

        assertEquals(SecretValues.NOT_RENDERED, secret.inputs().at("/stringData/value/model-registry-token").asText());
    }
}
