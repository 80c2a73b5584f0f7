package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlapi.ProgramUnderMocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets from AWS Secrets Manager, synced by the External Secrets Operator: the objects, under mocks. */
class AwsSecretsManagerTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/sentiment/db-AbCdEf";
    private static final String ROLE = "arn:aws:iam::123456789012:role/sentiment-api-secrets";

    @TempDir
    Path project;

    private ProgramUnderMocks.Run runWith(String extraConfig) throws IOException {
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("  mlapi:secrets:\n", extraConfig + "  mlapi:secrets:\n"
                + "    - name: db-password\n      mountPath: /var/run/secrets/db\n      awsSecretsManager: {secretId: \"" + ARN + "\", property: password, versionStage: AWSCURRENT}\n"));
        var run = ProgramUnderMocks.run(project, "dev");
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        return run;
    }

    @Test
    void aSecretStoreReadsAwsAsTheServiceAccountAndAnExternalSecretOwnsTheSecret() throws IOException {
        var run = runWith("  mlapi:externalSecrets:\n    region: eu-west-1\n    roleArn: " + ROLE + "\n");

        JsonNode store = run.one("kubernetes:external-secrets.io/v1:SecretStore").inputs();
        assertEquals("SecretsManager", store.at("/spec/provider/aws/service").asText());
        assertEquals("eu-west-1", store.at("/spec/provider/aws/region").asText());
        assertEquals("sentiment-api-secret-store", store.at("/spec/provider/aws/auth/jwt/serviceAccountRef/name").asText());
        assertEquals(ROLE, account(run, "sentiment-api-secret-store").at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());

        var external = run.one("kubernetes:external-secrets.io/v1:ExternalSecret");
        JsonNode spec = external.inputs().get("spec");
        assertEquals("1h", spec.get("refreshInterval").asText());
        assertEquals("Owner", spec.at("/target/creationPolicy").asText());
        assertEquals("SecretStore", spec.at("/secretStoreRef/kind").asText());
        assertEquals(store.at("/metadata/name").asText(), spec.at("/secretStoreRef/name").asText());
        assertEquals(List.of("db-password", ARN, "password", "AWSCURRENT"), List.of(spec.at("/data/0/secretKey").asText(),
                spec.at("/data/0/remoteRef/key").asText(), spec.at("/data/0/remoteRef/property").asText(), spec.at("/data/0/remoteRef/version").asText()));
        assertTrue(external.dependencies().contains(run.one("kubernetes:external-secrets.io/v1:SecretStore").urn()));

        assertEquals("condition=Ready", external.inputs().at("/metadata/annotations/pulumi.com~1waitFor").asText(),
                "up fails when the operator cannot read the secret, instead of a rollout stuck on a missing Secret");
        var deployment = run.one("kubernetes:apps/v1:Deployment");
        assertTrue(deployment.dependencies().contains(external.urn()), "the pods start after the Secret is synced");
        JsonNode volume = null;
        for (JsonNode v : deployment.inputs().at("/spec/template/spec/volumes")) {
            if (v.at("/secret/items/0/key").asText().equals("db-password")) {
                volume = v;
            }
        }
        assertEquals(spec.at("/target/name").asText(), volume.at("/secret/secretName").asText(), "the pod reads the Secret the operator writes");
        // The stack-config secret keeps its own Secret.
        assertEquals(1, run.ofType("kubernetes:core/v1:Secret").size());
    }

    @Test
    void aManagedAwsSideGivesTheServiceAccountARoleThatReadsExactlyItsSecrets() throws IOException {
        String provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
        String key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("  mlapi:secrets:\n", "  mlapi:externalSecrets:\n    region: eu-west-1\n"
                + "    manageAws: {oidcProviderArn: \"" + provider + "\", kmsKeyArn: \"" + key + "\"}\n  mlapi:secrets:\n"
                + "    - name: db-password\n      mountPath: /var/run/secrets/db\n      awsSecretsManager: {secretId: ml/sentiment/db, valueFrom: modelRegistryToken}\n"));
        var run = ProgramUnderMocks.run(project, "dev");
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());

        assertEquals("ml/sentiment/db", run.one("aws:secretsmanager/secret:Secret").inputs().get("name").asText());
        assertEquals(key, run.one("aws:secretsmanager/secret:Secret").inputs().get("kmsKeyId").asText());
        JsonNode version = run.one("aws:secretsmanager/secretVersion:SecretVersion").inputs();
        assertEquals("1b47061264138c4ac30d75fd1eb44270", version.at("/secretString/4dabf18193072939515e22adb298388d").asText(),
                "the first value goes to AWS as a secret");

        JsonNode trust = new com.fasterxml.jackson.databind.json.JsonMapper().readTree(
                run.one("aws:iam/role:Role").inputs().get("assumeRolePolicy").asText());
        assertEquals(provider, trust.at("/Statement/0/Principal/Federated").asText());
        assertEquals("sts.amazonaws.com", trust.at("/Statement/0/Condition/StringEquals/oidc.eks.eu-west-1.amazonaws.com~1id~1ABC123:aud/0").asText());
        JsonNode policy = new com.fasterxml.jackson.databind.json.JsonMapper().readTree(
                run.one("aws:iam/policy:Policy").inputs().get("policy").asText());
        assertEquals("[\"secretsmanager:GetSecretValue\"]", policy.at("/Statement/0/Action").toString());
        assertEquals(1, policy.at("/Statement/0/Resource").size(), "exactly the stack's one secret");
        assertEquals(List.of(key), List.of(policy.at("/Statement/1/Resource/0").asText()));
        // The key decrypts for Secrets Manager only, and only these secrets: the role cannot use it on anything else.
        assertEquals("[\"kms:Decrypt\"]", policy.at("/Statement/1/Action").toString());
        assertEquals("secretsmanager.eu-west-1.amazonaws.com", policy.at("/Statement/1/Condition/StringEquals/kms:ViaService/0").asText(), policy.toString());
        assertEquals(policy.at("/Statement/0/Resource").toString(),
                policy.at("/Statement/1/Condition/StringEquals/kms:EncryptionContext:SecretARN").toString(), policy.toString());
        assertEquals(2, policy.get("Statement").size(), policy.toString());
        assertEquals(1, run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").size());
        assertTrue(account(run, "sentiment-api-secret-store").at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText().length() > 0);
        assertEquals("[\"system:serviceaccount:sentiment-api-dev:sentiment-api-secret-store\"]",
                trust.at("/Statement/0/Condition/StringEquals/oidc.eks.eu-west-1.amazonaws.com~1id~1ABC123:sub").toString(),
                "only the store's ServiceAccount can assume the role, not the pods'");
    }

    /**
     * The inference pods may run model code: whatever the stack, with secrets from AWS their
     * ServiceAccount carries no AWS role, and only the SecretStore's own account (which no pod
     * runs as, and which mounts no token) does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void onlyTheSecretStoresOwnServiceAccountHoldsTheAwsRole(String stack) throws IOException {
        String file = Files.readString(Path.of("Pulumi." + stack + ".yaml"));
        String aws = "  mlapi:externalSecrets: {region: eu-west-1, roleArn: \"" + ROLE + "\"}\n";
        String entry = "    - {name: db-password, mountPath: /var/run/secrets/db, awsSecretsManager: {secretId: ml/sentiment/db}}\n";
        Files.writeString(project.resolve("Pulumi." + stack + ".yaml"), file.contains("  mlapi:secrets:\n")
                ? file.replace("  mlapi:secrets:\n", aws + "  mlapi:secrets:\n" + entry)
                : file.replace("config:\n", "config:\n" + aws + "  mlapi:secrets:\n" + entry));
        var run = ProgramUnderMocks.run(project, stack);
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());

        String podAccount = run.one("kubernetes:apps/v1:Deployment").at("/spec/template/spec/serviceAccountName");
        String storeAccount = run.one("kubernetes:external-secrets.io/v1:SecretStore").at("/spec/provider/aws/auth/jwt/serviceAccountRef/name");
        assertNotEquals(podAccount, storeAccount);
        for (var account : run.ofType("kubernetes:core/v1:ServiceAccount")) {
            boolean store = account.at("/metadata/name").equals(storeAccount);
            assertEquals(store ? ROLE : "", account.at("/metadata/annotations/eks.amazonaws.com~1role-arn"), account.at("/metadata/name"));
        }
        JsonNode store = account(run, storeAccount);
        assertFalse(store.get("automountServiceAccountToken").asBoolean(true), "no pod runs as the store's account");
        assertEquals("secret-store", store.at("/metadata/labels/app.kubernetes.io~1component").asText());
    }

    private static JsonNode account(ProgramUnderMocks.Run run, String name) {
        return run.ofType("kubernetes:core/v1:ServiceAccount").stream().filter(a -> a.at("/metadata/name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ServiceAccount " + name + " in " + run.ofType("kubernetes:core/v1:ServiceAccount").stream()
                        .map(a -> a.at("/metadata/name")).toList())).inputs();
    }

    @Test
    void anExistingClusterSecretStoreIsUsedAsItIs() throws IOException {
        var run = runWith("  mlapi:externalSecrets:\n    storeKind: ClusterSecretStore\n    clusterStoreName: aws-secrets-manager\n");

        assertEquals(List.of(), run.ofType("kubernetes:external-secrets.io/v1:SecretStore"));
        JsonNode ref = run.one("kubernetes:external-secrets.io/v1:ExternalSecret").inputs().at("/spec/secretStoreRef");
        assertEquals("ClusterSecretStore", ref.get("kind").asText());
        assertEquals("aws-secrets-manager", ref.get("name").asText());
        assertTrue(run.one("kubernetes:core/v1:ServiceAccount").inputs().at("/metadata/annotations/eks.amazonaws.com~1role-arn").isMissingNode());
    }
}
