package dev.mlapi.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lib/state-compare.py, which ./mlapi move-state runs on the decrypted exports of a stack before
 * and after its move: it accepts only the same resources with the same values, secrets included,
 * and names a difference by resource and field, never by value.
 */
class StateCompareTest {
    private static final String KMS = "awskms://alias/mlapi-staging?region=eu-west-1&context_stack=staging";
    private static final String SECRET_VALUE = "the-registry-token-value";

    @TempDir
    Path dir;

    private record Run(int exitCode, String output) {}

    private static String export(String secretsProvider, String secretValue, String replicas, String extraResource, String pending) {
        String secret = "{\"4dabf18193072939515e22adb298388d\": \"1b47061264138c4ac30d75fd1eb44270\", \"plaintext\": \"\\\"" + secretValue + "\\\"\"}";
        return """
                {"version": 3, "deployment": {
                  "manifest": {"time": "2026-11-26T08:00:00Z"},
                  "secrets_providers": %s,
                  "resources": [
                    {"urn": "urn:pulumi:staging::mlapi::pulumi:pulumi:Stack::mlapi-staging", "custom": false,
                     "type": "pulumi:pulumi:Stack", "outputs": {"namespace": "sentiment-api-staging"},
                     "created": "2026-11-26T08:00:00Z", "modified": "2026-11-26T08:00:00Z"},
                    {"urn": "urn:pulumi:staging::mlapi::kubernetes:core/v1:Secret::sentiment-api", "custom": true,
                     "id": "sentiment-api-staging/sentiment-api-1a2b", "type": "kubernetes:core/v1:Secret",
                     "inputs": {"stringData": {"model-registry-token": %s}}, "outputs": {"stringData": {"model-registry-token": %s}},
                     "created": "2026-11-26T08:00:00Z", "modified": "2026-11-26T08:00:00Z"},
                    {"urn": "urn:pulumi:staging::mlapi::kubernetes:apps/v1:Deployment::sentiment-api", "custom": true,
                     "id": "sentiment-api-staging/sentiment-api", "type": "kubernetes:apps/v1:Deployment",
                     "inputs": {"spec": {"replicas": %s}}, "outputs": {"spec": {"replicas": %s}},
                     "created": "2026-11-26T08:00:00Z", "modified": "2026-11-26T08:00:00Z"}%s
                  ]%s
                }}
                """.formatted(secretsProvider, secret, secret, replicas, replicas, extraResource, pending);
    }

    private static String passphrase() {
        return "{\"type\": \"passphrase\", \"state\": {\"salt\": \"v1:abc\"}}";
    }

    private static String kms() {
        return "{\"type\": \"cloud\", \"state\": {\"url\": \"" + KMS + "\", \"encryptedkey\": \"AQID\"}}";
    }

    private Run compare(String source, String target, String... provider) throws IOException, InterruptedException {
        Path a = Files.writeString(dir.resolve("source.json"), source);
        Path b = Files.writeString(dir.resolve("target.json"), target);
        List<String> command = new ArrayList<>(List.of("python3", "lib/state-compare.py", a.toString(), b.toString()));
        command.addAll(List.of(provider));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    @Test
    void theSameStateUnderAnotherSecretsProviderIsAccepted() throws Exception {
        // Only the provider and the times a copy may set differ.
        Run run = compare(export(passphrase(), SECRET_VALUE, "2", "", ""),
                export(kms(), SECRET_VALUE, "2", "", "").replace("08:00:00Z", "09:30:00Z"), KMS);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("state-compare: 3 resources and 2 secret values, the same in both\n", run.output());
    }

    @Test
    void aSecretThatDecryptsToAnotherValueIsNamedWithoutItsValue() throws Exception {
        Run run = compare(export(passphrase(), SECRET_VALUE, "2", "", ""), export(kms(), "something-else", "2", "", ""), KMS);
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains(
                "urn:pulumi:staging::mlapi::kubernetes:core/v1:Secret::sentiment-api: .inputs.stringData.model-registry-token.plaintext differs"),
                run.output());
        assertFalse(run.output().contains(SECRET_VALUE), run.output());
        assertFalse(run.output().contains("something-else"), run.output());
    }

    @Test
    void aLostOrAddedResourceAndAChangedValueAreEachNamed() throws Exception {
        String extra = ",\n{\"urn\": \"urn:pulumi:staging::mlapi::kubernetes:core/v1:Service::sentiment-api\", \"type\": \"kubernetes:core/v1:Service\"}";
        Run lost = compare(export(passphrase(), SECRET_VALUE, "2", extra, ""), export(kms(), SECRET_VALUE, "3", "", ""), KMS);
        assertEquals(1, lost.exitCode(), lost.output());
        assertTrue(lost.output().contains("kubernetes:core/v1:Service::sentiment-api: missing in the target"), lost.output());
        assertTrue(lost.output().contains("kubernetes:apps/v1:Deployment::sentiment-api: .inputs.spec.replicas differs"), lost.output());
        Run added = compare(export(passphrase(), SECRET_VALUE, "2", "", ""), export(kms(), SECRET_VALUE, "2", extra, ""), KMS);
        assertTrue(added.output().contains("kubernetes:core/v1:Service::sentiment-api: only in the target"), added.output());
    }

    @Test
    void secretsLeftUnderTheOldProviderOrPendingOperationsAreRefused() throws Exception {
        Run oldProvider = compare(export(passphrase(), SECRET_VALUE, "2", "", ""), export(passphrase(), SECRET_VALUE, "2", "", ""), KMS);
        assertEquals(1, oldProvider.exitCode(), oldProvider.output());
        assertTrue(oldProvider.output().contains("the target's secrets are not encrypted with " + KMS + " (its provider: passphrase)"),
                oldProvider.output());
        Run pending = compare(export(passphrase(), SECRET_VALUE, "2", "", ",\n\"pending_operations\": [{\"type\": \"creating\"}]"),
                export(kms(), SECRET_VALUE, "2", "", ""), KMS);
        assertEquals(1, pending.exitCode(), pending.output());
        assertTrue(pending.output().contains("the source has pending operations"), pending.output());
    }

    @Test
    void anExportThatIsNotAStateIsRefused() throws Exception {
        Run run = compare("error: no stack named 'staging' found", export(kms(), SECRET_VALUE, "2", "", ""), KMS);
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().startsWith("state-compare: the source state cannot be read (JSONDecodeError"), run.output());
    }
}
