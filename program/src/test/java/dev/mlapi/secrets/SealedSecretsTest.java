package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlapi.ProgramUnderMocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sealed value in the stack file becomes a SealedSecret bound to the Secret the pods read. */
class SealedSecretsTest {
    private static final String BLOB = "AgB" + "x9Qz".repeat(40) + "==";

    @TempDir
    Path project;

    private ProgramUnderMocks.Run runWith(String... entries) throws IOException {
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("  mlapi:secrets:\n", "  mlapi:secrets:\n" + String.join("", entries)));
        var run = ProgramUnderMocks.run(project, "dev");
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        return run;
    }

    private static String sealedFile(String blob) {
        return "    - name: hub-token\n      mountPath: /var/run/secrets/hub\n      sealed: {encryptedData: " + blob + "}\n";
    }

    private static String sealedEnv(String blob) {
        return "    - name: db-password\n      env: DB_PASSWORD\n      sealed: {encryptedData: " + blob + "}\n";
    }

    private static String podAnnotation(ProgramUnderMocks.Run run) {
        return run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/metadata/annotations/mlapi.dev~1sealed-env-revision").asText(null);
    }

    @Test
    void theSealedSecretIsBoundToTheNameAndNamespaceThePodsRead() throws IOException {
        var run = runWith(sealedFile(BLOB));

        var sealedSecret = run.one("kubernetes:bitnami.com/v1alpha1:SealedSecret");
        JsonNode sealed = sealedSecret.inputs();
        assertEquals("condition=Synced", sealed.at("/metadata/annotations/pulumi.com~1waitFor").asText(),
                "up fails when the controller cannot unseal, for example a value sealed with another cluster's certificate");
        assertTrue(run.one("kubernetes:apps/v1:Deployment").dependencies().contains(sealedSecret.urn()),
                "the pods start after the controller wrote the Secret");
        assertEquals("sentiment-api-sealed", sealed.at("/metadata/name").asText());
        assertEquals(BLOB, sealed.at("/spec/encryptedData/hub-token").asText());
        assertEquals("sentiment-api-sealed", sealed.at("/spec/template/metadata/name").asText());
        assertEquals("sentiment-api-dev", sealed.at("/spec/template/metadata/namespace").asText());
        JsonNode pod = run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/spec");
        int sealedVolumes = 0;
        for (JsonNode v : pod.get("volumes")) {
            if (v.at("/secret/secretName").asText().equals("sentiment-api-sealed")) {
                sealedVolumes++;
                assertEquals("hub-token", v.at("/secret/items/0/key").asText());
            }
        }
        assertEquals(1, sealedVolumes, "the sealed secret has a volume of its own, apart from the stack-config Secret");
        assertNull(podAnnotation(run), "a mounted file follows the Secret in place; resealing it needs no rollout");
    }

    @Test
    void resealingAValueReadAsAnEnvVarRollsThePods() throws IOException {
        String other = "AgC" + "k2Lm".repeat(40) + "==";
        String first = podAnnotation(runWith(sealedEnv(BLOB), sealedFile(other)));
        assertNotNull(first);
        assertEquals(first, podAnnotation(runWith(sealedEnv(BLOB), sealedFile(BLOB))), "resealing a mounted file changes nothing");
        String resealed = podAnnotation(runWith(sealedEnv(other), sealedFile(other)));
        assertNotEquals(first, resealed, "a new sealed value changes the pod template");
    }
}
