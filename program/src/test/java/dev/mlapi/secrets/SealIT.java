package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * A certificate over plain HTTP can be swapped on the way, and the value sealed for whoever
     * swapped it: seal refuses the URL without asking it for anything, whatever its case.
     */
    @Test
    void aPlainHttpCertificateUrlIsRefusedUnasked() throws IOException, InterruptedException {
        run(null, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=sealed-secret",
                "-keyout", keys.resolve("key.pem").toString(), "-out", keys.resolve("cert.pem").toString());
        byte[] cert = Files.readAllBytes(keys.resolve("cert.pem"));
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(200, cert.length);
            exchange.getResponseBody().write(cert);
            exchange.close();
        });
        server.start();
        try {
            for (String scheme : List.of("http", "HTTP")) {
                String url = scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/v1/cert.pem";
                Process seal = new ProcessBuilder("./mlapi", "seal", "dev", "hub-token", "--cert", url).redirectErrorStream(true).start();
                seal.getOutputStream().write("sentinel".getBytes(StandardCharsets.UTF_8));
                seal.getOutputStream().close();
                String out = new String(seal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertNotEquals(0, seal.waitFor(), out);
                assertTrue(out.contains("seal: " + url + " is not https"), out);
                assertFalse(out.contains("encryptedData"), out);
            }
            assertEquals(0, asked.get(), "the plain-HTTP URL was fetched");
        } finally {
            server.stop(0);
        }
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
