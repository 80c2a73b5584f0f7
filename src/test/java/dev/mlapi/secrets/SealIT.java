package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./mlapi seal with a certificate, then kubeseal's recovery mode with the matching private key:
 * the sealed value is the value, bound to the stack's namespace and Secret name.
 */
class SealIT {
    @TempDir
    Path keys;

    @Test
    void aSealedValueUnsealsWithTheEnvironmentsKeyOnly() throws IOException, InterruptedException {
        run(null, "openssl", "req", "-x509", "-newkey", "rsa:4096", "-nodes", "-days", "1", "-subj", "/CN=sealed-secret",
                "-keyout", keys.resolve("key.pem").toString(), "-out", keys.resolve("cert.pem").toString());
        String sentinel = "sentinel-" + UUID.randomUUID();

        String entry = run(sentinel, "./mlapi", "seal", "dev", "hub-token", "--cert", keys.resolve("cert.pem").toString());
        assertFalse(entry.contains(sentinel));
        var found = java.util.regex.Pattern.compile("encryptedData: ([A-Za-z0-9+/=]+)").matcher(entry);
        assertTrue(found.find(), entry);
        String blob = found.group(1);

        String sealedSecret = """
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata: {name: sentiment-api-sealed, namespace: sentiment-api-dev}
                spec:
                  encryptedData: {hub-token: %s}
                  template: {metadata: {name: sentiment-api-sealed, namespace: sentiment-api-dev}}
                """.formatted(blob);
        String unsealed = run(sealedSecret, ".tools/bin/kubeseal", "--recovery-unseal", "--recovery-private-key",
                keys.resolve("key.pem").toString(), "-o", "yaml");
        JsonNode secret = new YAMLMapper().readTree(unsealed);
        assertEquals(sentinel, new String(Base64.getDecoder().decode(secret.at("/data/hub-token").asText()), StandardCharsets.UTF_8));
    }

    private static String run(String input, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
