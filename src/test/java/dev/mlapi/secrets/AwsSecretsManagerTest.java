package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlapi.ProgramUnderMocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals("sentiment-api", store.at("/spec/provider/aws/auth/jwt/serviceAccountRef/name").asText());
        assertEquals(ROLE, run.one("kubernetes:core/v1:ServiceAccount").inputs().at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());

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
        assertEquals("system:serviceaccount:sentiment-api-dev:sentiment-api",
                trust.at("/Statement/0/Condition/StringEquals/oidc.eks.eu-west-1.amazonaws.com~1id~1ABC123:sub").asText());
        JsonNode policy = new com.fasterxml.jackson.databind.json.JsonMapper().readTree(
                run.one("aws:iam/policy:Policy").inputs().get("policy").asText());
        assertEquals("[\"secretsmanager:GetSecretValue\"]", policy.at("/Statement/0/Action").toString());
        assertEquals(1, policy.at("/Statement/0/Resource").size(), "exactly the stack's one secret");
        assertEquals(List.of(key), List.of(policy.at("/Statement/1/Resource/0").asText()));
        assertEquals(1, run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").size());
        assertTrue(run.one("kubernetes:core/v1:ServiceAccount").inputs().at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText().length() > 0);
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
