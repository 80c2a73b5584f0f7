package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The two operator-based secret sources against real operators: the Sealed Secrets controller,
 * and the External Secrets Operator reading an AWS Secrets Manager emulator (moto), both built
 * from their pinned modules and started beside the local cluster by ./mlapi when a stack's secrets
 * need them. The dev stack reads secrets from each; values are checked in the cluster and
 * nowhere else. The operators run as processes beside the cluster; dev's pods are real, on the
 * cluster's real node, so a Secret the operators have not written keeps them from starting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretOperatorsIT {
    private static final String NS = "sentiment-api-dev";
    private static final String SEALED_SECRET = "sentiment-api-sealed";
    private static final String AWS_SECRET = "sentiment-api-aws-secrets";
    private static final int PORT = Project.port(28443);
    private static Project project;
    private static String stackFile;

    @BeforeAll
    static void copyProject() throws IOException {
        project = Project.fresh("e2e-operators", PORT);
        stackFile = project.read("Pulumi.dev.yaml");
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    /** What ./mlapi seal prints for the stack file (its last three lines), sealed for the local controller. */
    private static String seal(String name, String value) {
        return seal(name, value, "local");
    }

    private static String seal(String name, String value, String cert) {
        String out = project.mlapiWithInput(value, "seal", "dev", name, "--cert", cert).assertOk("seal " + name).output();
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(lines.size() - 3, lines.size())) + "\n";
    }

    private static String sealAsEnv(String name, String value, String variable) {
        return seal(name, value).replace("mountPath: /var/run/secrets/" + name, "env: " + variable);
    }

    private static void useSecrets(String config, String entries) throws IOException {
        project.write("Pulumi.dev.yaml", stackFile.replace("  mlapi:secrets:\n", config + "  mlapi:secrets:\n" + entries));
    }

    private static String secretValue(String secret, String key) {
        return new String(Base64.getDecoder().decode(project.kubectlJson("get", "secret", secret, "-n", NS).at("/data/" + key).asText()));
    }

    private static JsonNode deployment() {
        return project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS);
    }

    @Test
    @Order(1)
    void valuesSealedWithTheLocalControllersCertificateAreUnsealedForThePods() throws IOException {
        // A stack with sealed values starts the controller itself, so its certificate is there to seal with.
        useSecrets("", "    - {name: hub-token, mountPath: /var/run/secrets/hub, sealed: {encryptedData: AgB" + "x9Qz".repeat(40) + "==}}\n");
        project.mlapi("preview", "dev").assertOk("preview dev with a sealed value");
        assertTrue(project.mlapi("cluster", "status").output().contains("sealed-secrets-controller (add-on): running"));
        String file = "sealed-file-" + UUID.randomUUID();
        String env = "sealed-env-" + UUID.randomUUID();
        useSecrets("", seal("hub-token", file) + sealAsEnv("db-password", env, "DB_PASSWORD"));

        Project.Result up = project.mlapi("up", "dev").assertOk("up dev with sealed values");

        JsonNode sealed = project.kubectlJson("get", "sealedsecret", SEALED_SECRET, "-n", NS);
        assertEquals("True", sealed.at("/status/conditions/0/status").asText(), sealed.at("/status").toString());
        assertEquals(file, secretValue(SEALED_SECRET, "hub-token"));
        assertEquals(env, secretValue(SEALED_SECRET, "db-password"));
        assertEquals(1, deployment().at("/status/availableReplicas").asInt(), deployment().at("/status").toString());
        for (String value : List.of(file, env)) {
            assertEquals(List.of(), project.placesHolding(value, "dev", up.output()));
        }
    }

    @Test
    @Order(2)
    void resealingUpdatesTheSecretInPlaceAndRollsThePodsOnlyForAnEnvVar() throws IOException {
        String generation = deployment().at("/metadata/generation").asText();
        String file = "resealed-file-" + UUID.randomUUID();
        String env = "resealed-env-" + UUID.randomUUID();
        String envEntry = sealAsEnv("db-password", env, "DB_PASSWORD");
        useSecrets("", seal("hub-token", file) + envEntry);
        project.mlapi("up", "dev").assertOk("up dev with both values resealed");
        assertEquals(file, secretValue(SEALED_SECRET, "hub-token"), "the controller updates the Secret in place");
        assertEquals(env, secretValue(SEALED_SECRET, "db-password"));
        String rolled = deployment().at("/metadata/generation").asText();
        assertNotEquals(generation, rolled, "an env var only reaches the pods through a rollout");

        useSecrets("", seal("hub-token", file + "-again") + envEntry);
        project.mlapi("up", "dev").assertOk("up dev with only the file resealed");
        assertEquals(file + "-again", secretValue(SEALED_SECRET, "hub-token"));
        assertEquals(rolled, deployment().at("/metadata/generation").asText(), "a mounted file follows the Secret without a rollout");
    }

    @Test
    @Order(3)
    void aValueSealedForAnotherClusterFailsTheUpAndLeavesTheSecretAsItWas() throws IOException, InterruptedException {
        java.nio.file.Path cert = project.dir.resolve("other-cluster.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other",
                "-keyout", project.dir.resolve("other-cluster.key").toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor(), new String(openssl.getInputStream().readAllBytes()));
        String before = secretValue(SEALED_SECRET, "hub-token");
        useSecrets("", seal("hub-token", "not-for-this-cluster", cert.toString()));

        Project.Result up = project.mlapi("up", "dev");

        assertNotEquals(0, up.exitCode(), "the controller cannot unseal it, so the SealedSecret never becomes Synced");
        assertTrue(up.output().contains("no key could decrypt secret (hub-token)"), "the controller's reason reaches the user:\n" + up.output());
        assertEquals(before, secretValue(SEALED_SECRET, "hub-token"), "the pods keep reading the last good value");
    }

    @Test
    @Order(4)
    void anAwsSecretIsSyncedThroughTheOperatorAndFollowsARotationInAws() throws IOException, InterruptedException {
        String value = "aws-" + UUID.randomUUID();
        useSecrets("""
                  mlapi:externalSecrets:
                    region: eu-west-1
                    roleArn: arn:aws:iam::123456789012:role/sentiment-api-secrets
                    refreshInterval: 5s
                """, """
                    - name: db-password
                      mountPath: /var/run/secrets/db
                      awsSecretsManager: {secretId: ml/sentiment/db, property: password}
                """);
        // The first preview of a stack with AWS secrets starts the operator and the emulator.
        project.mlapi("preview", "dev").assertOk("preview dev with an AWS secret");
        project.mlapiWithInput("{\"password\": \"" + value + "\"}", "cluster", "aws-secret", "eu-west-1", "ml/sentiment/db").assertOk("put the AWS secret");

        Project.Result up = project.mlapi("up", "dev").assertOk("up dev with an AWS secret");

        JsonNode external = project.kubectlJson("get", "externalsecret", AWS_SECRET, "-n", NS);
        assertEquals("Ready", external.at("/status/conditions/0/type").asText(), external.at("/status").toString());
        assertEquals("True", external.at("/status/conditions/0/status").asText(), external.at("/status").toString());
        assertEquals(value, secretValue(AWS_SECRET, "db-password"), "the Secret holds the AWS value's property");
        assertEquals(List.of(), project.placesHolding(value, "dev", up.output()));

        // The store reads AWS as an account of its own; the pods, which run model code, hold no AWS role.
        JsonNode store = project.kubectlJson("get", "secretstore", "sentiment-api-aws", "-n", NS);
        String storeAccount = store.at("/spec/provider/aws/auth/jwt/serviceAccountRef/name").asText();
        assertEquals("arn:aws:iam::123456789012:role/sentiment-api-secrets", project.kubectlJson("get", "serviceaccount", storeAccount, "-n", NS)
                .at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());
        JsonNode pods = project.kubectlJson("get", "pods", "-n", NS, "-l", "app.kubernetes.io/component=inference");
        assertTrue(pods.get("items").size() > 0, pods.toString());
        for (JsonNode pod : pods.get("items")) {
            String account = pod.at("/spec/serviceAccountName").asText();
            assertNotEquals(storeAccount, account);
            JsonNode annotations = project.kubectlJson("get", "serviceaccount", account, "-n", NS).at("/metadata/annotations");
            assertTrue(annotations.path("eks.amazonaws.com/role-arn").isMissingNode(), account + " " + annotations);
        }

        // Rotation in AWS reaches the Secret with no up: the operator re-reads every refreshInterval.
        String rotated = value + "-rotated";
        project.mlapiWithInput("{\"password\": \"" + rotated + "\"}", "cluster", "aws-secret", "eu-west-1", "ml/sentiment/db").assertOk("rotate");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!rotated.equals(secretValue(AWS_SECRET, "db-password")) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertEquals(rotated, secretValue(AWS_SECRET, "db-password"), "the operator syncs the new version within a minute");
        project.mlapi("preview", "dev", "--expect-no-changes").assertOk("a rotation in AWS leaves nothing for Pulumi to change");
    }

    /**
     * The preview diff, which a pull request's comment posts, for a stack with a new value from
     * each source: each shows as [secret] or not at all. A value encrypted under an ordinary
     * setting ({@code config set --secret --path mlapi:env.X}), which once went into the diff in
     * plain text, stops the preview before anything is planned.
     */
    @Test
    @Order(5)
    void thePreviewDiffHoldsNoSecretOfAnySource() throws IOException {
        String fromConfig = "config-" + UUID.randomUUID();
        String sealed = "sealed-" + UUID.randomUUID();
        String aws = "aws-" + UUID.randomUUID();
        // Started by the tests before; started here when this one runs alone.
        project.mlapi("cluster", "addon", "sealed-secrets").assertOk("the Sealed Secrets controller");
        project.mlapi("cluster", "addon", "external-secrets").assertOk("the External Secrets Operator");
        project.mlapi("output", "dev").assertOk("the dev stack, created when this test runs alone");
        useSecrets("""
                  mlapi:externalSecrets: {region: eu-west-1, roleArn: "arn:aws:iam::123456789012:role/sentiment-api-secrets"}
                """, seal("hub-token", sealed) + "    - {name: db-password, mountPath: /var/run/secrets/db, awsSecretsManager: {secretId: ml/sentiment/db, property: password}}\n");
        project.mlapiWithInput(fromConfig, "pulumi", "config", "set", "--secret", "--stack", "dev", "mlapi:modelRegistryToken").assertOk("config set");
        project.mlapiWithInput("{\"password\": \"" + aws + "\"}", "cluster", "aws-secret", "eu-west-1", "ml/sentiment/db").assertOk("put the AWS secret");

        Project.Result preview = project.mlapi("preview", "dev").assertOk("preview dev with a new value of each source");

        assertTrue(preview.output().contains("[secret]"), "the diff shows the new stack-config value, as a secret:\n" + preview.output());
        for (String value : List.of(fromConfig, sealed, aws)) {
            assertFalse(preview.output().contains(value), value + " is in the preview diff:\n" + preview.output());
        }

        String plain = "plain-path-" + UUID.randomUUID();
        project.mlapiWithInput(plain, "pulumi", "config", "set", "--secret", "--path", "--stack", "dev", "mlapi:env.WANDB_KEY").assertOk("config set --path");
        Project.Result refused = project.mlapi("preview", "dev");
        assertFalse(refused.output().contains(plain), "the preview diff shows the value set with --path:\n" + refused.output());
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("[dev] mlapi:env.WANDB_KEY: is encrypted, but mlapi:env is an ordinary setting"), refused.output());
        project.mlapi("pulumi", "config", "rm", "--path", "--stack", "dev", "mlapi:env.WANDB_KEY").assertOk("config rm");
    }
}
