package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void theSealedSecretIsBoundToTheNameAndNamespaceThePodsRead() throws IOException {
        String dev = Files.readString(Path.of("Pulumi.dev.yaml"));
        Files.writeString(project.resolve("Pulumi.dev.yaml"), dev.replace("  mlapi:secrets:\n", "  mlapi:secrets:\n"
                + "    - name: hub-token\n      mountPath: /var/run/secrets/hub\n      sealed: {encryptedData: " + BLOB + "}\n"));

        var run = ProgramUnderMocks.run(project, "dev");

        JsonNode sealed = run.one("kubernetes:bitnami.com/v1alpha1:SealedSecret").inputs();
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
    }
}
