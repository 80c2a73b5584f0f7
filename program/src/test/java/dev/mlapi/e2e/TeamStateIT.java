package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The team setup of the README against moto's S3 and KMS on loopback (dummy credentials; nothing
 * leaves the machine): staging, deployed from the local file backend with a stack secret, moves
 * to an S3 backend with its secrets under a KMS key (./mlapi move-state), and two workstations
 * (two MLAPI_HOMEs, so two Pulumi homes, one S3 backend, the cluster as a shared one through
 * MLAPI_KUBECONFIG) run up on it at once. The tests run in order on that one stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamStateIT {
    private static final int PORT = Project.port(23443);
    /** moto's port: above the cluster's (the API server's, the add-ons' three, the registry's). */
    private static final int AWS_PORT = PORT + 5;
    private static final String AWS = "http://127.0.0.1:" + AWS_PORT;
    private static final String REGION = "eu-west-1";
    private static final String BUCKET = "acme-mlapi-state";
    private static final String BACKEND = "s3://" + BUCKET + "?region=" + REGION;
    private static final String KMS = "awskms://alias/mlapi-staging?region=" + REGION + "&context_stack=staging";
    private static final String NS = "sentiment-api-staging";
    private static final String SECRET_KEY = "model-registry-token";
    private static final String SENTINEL = "team-state-" + UUID.randomUUID();
    private static final String LOCKED = "the stack is currently locked by 1 lock(s)";
    private static final JsonMapper JSON = new JsonMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Project project;
    private static Process moto;
    private static String passphraseStackFile;
    private static String moveOutput;

    @BeforeAll
    static void startProjectAndAws() throws IOException, InterruptedException {
        project = Project.fresh("e2e-team", PORT);
        moto = new ProcessBuilder(project.dir.resolve(".tools/bin/moto_server").toString(), "-H", "127.0.0.1", "-p", Integer.toString(AWS_PORT))
                .redirectErrorStream(true).redirectOutput(project.dir.resolve("moto.log").toFile()).start();
        for (int i = 0; i < 120 && !answers(AWS + "/"); i++) {
            Thread.sleep(500);
        }
        // What the README's Team setup does with the aws CLI, through boto3 (the same botocore) in moto's own venv.
        Path python = project.dir.resolve(".tools/bin/moto_server").toRealPath().resolveSibling("python3");
        ProcessBuilder setup = new ProcessBuilder(python.toString(), "-", AWS, REGION, BUCKET).redirectErrorStream(true);
        setup.environment().putAll(awsEnvironment());
        Process p = setup.start();
        p.getOutputStream().write("""
                import sys, boto3
                endpoint, region, bucket = sys.argv[1:4]
                s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
                kms = boto3.client("kms", endpoint_url=endpoint, region_name=region)
                for alias in ("alias/mlapi-state", "alias/mlapi-staging"):
                    key = kms.create_key(Description=alias)["KeyMetadata"]["KeyId"]
                    kms.create_alias(AliasName=alias, TargetKeyId=key)
                    kms.enable_key_rotation(KeyId=key)
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
                s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
                s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/mlapi-state"},
                    "BucketKeyEnabled": True}]})
                s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicAcls": True,
                    "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
                """.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), "the bucket and keys in moto: " + out);
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        if (project != null) {
            project.stop();
        }
        if (moto != null) {
            moto.destroy();
            moto.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Dummy credentials for moto, which every AWS client here reaches through AWS_ENDPOINT_URL. */
    private static Map<String, String> awsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_ENDPOINT_URL", AWS,
                "AWS_EC2_METADATA_DISABLED", "true");
    }

    /** The local file backend's side, as before the move: the project's own MLAPI_HOME and the test passphrase. */
    private static Map<String, String> local() {
        Map<String, String> env = new HashMap<>(awsEnvironment());
        env.put("PULUMI_CONFIG_PASSPHRASE", Project.TEST_PASSPHRASE);
        return env;
    }

    /**
     * A team member's workstation: its own MLAPI_HOME (so its own Pulumi home), the team's backend,
     * the cluster as a shared one; no passphrase.
     */
    private static Map<String, String> workstation(String name) {
        Map<String, String> env = new HashMap<>(awsEnvironment());
        env.put("MLAPI_HOME", project.dir.resolve(name).toString());
        env.put("MLAPI_KUBECONFIG", project.home.resolve("cluster/kubeconfig").toString());
        env.put("PULUMI_BACKEND_URL", BACKEND);
        return env;
    }

    private static Path fileBackendState() {
        return project.home.resolve("backend/.pulumi/stacks/mlapi/staging.json");
    }

    @Test
    @Order(1)
    void stagingRunsFromTheLocalFileBackendWithAStackSecret() throws IOException {
        project.write("Pulumi.staging.yaml", project.read("Pulumi.staging.yaml") + """
                  mlapi:secrets:
                    - name: model-registry-token
                      mountPath: /var/run/secrets/registry
                      stackConfig: modelRegistryToken
                """);
        project.mlapi(local(), "pulumi", "stack", "init", "staging", "--non-interactive").assertOk("stack init staging");
        project.mlapiWithInput(local(), SENTINEL, "pulumi", "config", "set", "--secret", "--stack", "staging", "mlapi:modelRegistryToken")
                .assertOk("config set --secret from standard input");
        project.mlapi(local(), "up", "staging").assertOk("up staging");
        assertEquals(SENTINEL, secretInCluster());
        passphraseStackFile = project.read("Pulumi.staging.yaml");
        assertTrue(passphraseStackFile.contains("encryptionsalt: v1:"), passphraseStackFile);
    }

    @Test
    @Order(2)
    void aMoveThatCannotUseItsKeyOrIsNotToATeamBackendChangesNothing() throws IOException {
        byte[] state = Files.readAllBytes(fileBackendState());
        Project.Result noKey = project.mlapi(local(), "move-state", "staging", BACKEND, "awskms://alias/mlapi-missing?region=" + REGION);
        assertNotEquals(0, noKey.exitCode(), noKey.output());
        assertTrue(noKey.output().contains("move-state: staging was not moved; the file-backend stack and Pulumi.staging.yaml are as they were"),
                noKey.output());
        Project.Result fileTarget = project.mlapi(local(), "move-state", "staging", "file:///tmp/elsewhere", KMS);
        assertEquals(2, fileTarget.exitCode(), fileTarget.output());
        assertTrue(fileTarget.output().contains("is a file backend, which one machine holds"), fileTarget.output());
        Project.Result passphrase = project.mlapi(local(), "move-state", "staging", BACKEND, "passphrase");
        assertEquals(2, passphrase.exitCode(), passphrase.output());
        assertTrue(passphrase.output().contains("'passphrase' is not a key service"), passphrase.output());

        assertEquals(passphraseStackFile, project.read("Pulumi.staging.yaml"));
        assertArrayEquals(state, Files.readAllBytes(fileBackendState()));
        assertEquals(List.of(), s3Keys(".pulumi/stacks/"), "no stack was left in the bucket");
        try (Stream<Path> files = Files.list(project.dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.contains(".bak")).toList());
        }
    }

    @Test
    @Order(3)
    void moveStateCarriesTheStackToS3WithItsSecretsUnderKmsAndLeavesTheFileBackendStackAsItWas() throws IOException {
        byte[] state = Files.readAllBytes(fileBackendState());
        JsonNode fileExport = json(project.mlapi(local(), "pulumi", "stack", "export", "--stack", "staging").assertOk("export from the file backend").output());
        String fileOutputs = project.mlapi(local(), "output", "staging", "--json").assertOk("outputs in the file backend").output();

        Project.Result move = project.mlapi(local(), "move-state", "staging", BACKEND, KMS).assertOk("move-state");
        moveOutput = move.output();
        System.out.println("move-state output:\n" + moveOutput);
        assertTrue(moveOutput.contains("state-compare: "), moveOutput);
        assertTrue(moveOutput.contains("secret values, the same in both"), moveOutput);
        assertFalse(holdsSecret(moveOutput), "move-state printed the secret");

        // The stack file: the new provider and its data key, the secure value re-encrypted for it.
        String stackFile = project.read("Pulumi.staging.yaml");
        assertTrue(stackFile.contains("secretsprovider: ") && stackFile.contains(KMS), stackFile);
        assertTrue(stackFile.contains("encryptedkey: "), stackFile);
        assertFalse(stackFile.contains("encryptionsalt"), stackFile);
        assertNotEquals(secureValue(passphraseStackFile), secureValue(stackFile));
        assertEquals(passphraseStackFile.replaceAll("(?m)^encryptionsalt: .*\n?", "").replace(secureValue(passphraseStackFile), secureValue(stackFile)),
                stackFile.replaceAll("(?m)^(secretsprovider|encryptedkey): .*\n?", ""), "nothing else in the stack file changes, comments included");
        assertFalse(holdsSecret(stackFile));

        // The file-backend stack and its stack file, as they were.
        assertArrayEquals(state, Files.readAllBytes(fileBackendState()));
        assertEquals(passphraseStackFile, Files.readString(project.home.resolve("moved/Pulumi.staging.yaml")));

        // The S3 stack: the same resources and outputs, its secrets under the KMS key, nothing in plain text in the bucket.
        Map<String, String> member = workstation("workstation-1");
        JsonNode s3Export = json(project.mlapi(member, "pulumi", "stack", "export", "--stack", "staging").assertOk("export from S3").output());
        assertEquals(urns(fileExport), urns(s3Export));
        assertEquals("cloud", s3Export.at("/deployment/secrets_providers/type").asText());
        assertEquals(KMS, s3Export.at("/deployment/secrets_providers/state/url").asText());
        assertEquals(json(fileOutputs), json(project.mlapi(member, "output", "staging", "--json").assertOk("outputs from S3").output()));
        for (String key : s3Keys("")) {
            assertFalse(holdsSecret(s3Object(key)), key + " holds the secret in plain text");
        }

        // Its secrets decrypt through KMS alone (no passphrase in this environment), and nothing would change.
        assertTrue(project.mlapi(member, "pulumi", "config", "get", "--stack", "staging", "mlapi:modelRegistryToken")
                .assertOk("config get").output().contains(SENTINEL));
        assertTrue(holdsSecret(project.mlapi(member, "pulumi", "stack", "export", "--show-secrets", "--stack", "staging")
                .assertOk("export --show-secrets").output()));
        project.mlapi(member, "preview", "staging", "--expect-no-changes").assertOk("preview from S3 --expect-no-changes");

        // A second move finds the stack there and changes nothing.
        Project.Result again = project.mlapi(local(), "move-state", "staging", BACKEND, KMS);
        assertNotEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("already exists"), again.output());
        assertEquals(stackFile, project.read("Pulumi.staging.yaml"));
    }

    @Test
    @Order(4)
    void twoWorkstationsUpAtOnceTheSecondGetsTheLockMessageAndNothingIsLost() throws Exception {
        JsonNode before = json(project.mlapi(workstation("workstation-2"), "pulumi", "stack", "export", "--stack", "staging").assertOk("export").output());
        project.write("Pulumi.staging.yaml", project.read("Pulumi.staging.yaml").replace("    LOG_LEVEL: info\n", "    LOG_LEVEL: warning\n"));
        // The first update is held inside its lock until the second has finished, whatever the machine's
        // speed: the simulated nodes take no pod, so the rollout waits, until they are uncordoned.
        project.kubectl("cordon", "-l", "mlapi.dev/node-kind=simulated").assertOk("cordon");
        Path firstLog = project.dir.resolve("workstation-1-up.log");
        long start = System.nanoTime();
        Process first = project.start(workstation("workstation-1"), firstLog, "up", "staging", "--yes");
        String lock = null;
        for (int i = 0; i < 600 && first.isAlive() && lock == null; i++) {
            List<String> locks = s3Keys(".pulumi/locks/");
            lock = locks.isEmpty() ? null : locks.get(0);
            Thread.sleep(500);
        }
        assertTrue(lock != null, "the first up took no lock in the bucket:\n" + Files.readString(firstLog));
        long locked = System.nanoTime();
        String heldLock = lock;
        String lockContent = s3Object(heldLock);

        Project.Result second = project.mlapi(workstation("workstation-2"), "up", "staging", "--yes");
        long secondDone = System.nanoTime();
        assertNotEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains(LOCKED), second.output());
        assertTrue(second.output().contains("s3://" + BUCKET + "/" + lock), second.output());
        assertTrue(first.isAlive(), "the first up ended before the second ran: they did not overlap");
        assertEquals(List.of(lock), s3Keys(".pulumi/locks/"), "the first up's lock, held all along");

        project.kubectl("uncordon", "-l", "mlapi.dev/node-kind=simulated").assertOk("uncordon");
        assertTrue(first.waitFor(10, TimeUnit.MINUTES), "the first up did not finish");
        long firstDone = System.nanoTime();
        assertEquals(0, first.exitValue(), Files.readString(firstLog));
        assertEquals(List.of(), s3Keys(".pulumi/locks/"), "the lock is released");
        String lockMessage = second.output().lines().filter(l -> l.contains("locked") || l.contains(heldLock)).reduce("", (a, b) -> a + b + "\n");
        System.out.printf("two writers: the first up took its lock %.1f s after it started and finished after %.1f s; the second up ran"
                + " %.1f s, inside the first's lock, and ended with:%n%s(lock object %s: %s)%n",
                (locked - start) / 1e9, (firstDone - start) / 1e9, (secondDone - locked) / 1e9, lockMessage, lock, lockContent);

        // Read back from the other workstation: intact, with the first's change, secrets through KMS, nothing to do.
        Map<String, String> other = workstation("workstation-2");
        JsonNode after = json(project.mlapi(other, "pulumi", "stack", "export", "--stack", "staging").assertOk("export after").output());
        assertTrue(after.at("/deployment/pending_operations").isMissingNode() || after.at("/deployment/pending_operations").isEmpty());
        // Every resource is still there; only the connection test's Job is made anew for a change (its name carries a hash).
        assertEquals(withoutTestJob(urns(before)), withoutTestJob(urns(after)));
        assertEquals(1, urns(after).size() - withoutTestJob(urns(after)).size(), "one connection test Job: " + urns(after));
        assertEquals("warning", logLevel(deploymentOf(after).at("/outputs/spec/template/spec/containers/0/env")));
        assertEquals("warning", logLevel(project.kubectlJson("get", "deployment", "sentiment-api", "-n", NS).at("/spec/template/spec/containers/0/env")));
        assertTrue(project.mlapi(other, "pulumi", "config", "get", "--stack", "staging", "mlapi:modelRegistryToken")
                .assertOk("config get").output().contains(SENTINEL));
        assertTrue(holdsSecret(project.mlapi(other, "pulumi", "stack", "export", "--show-secrets", "--stack", "staging")
                .assertOk("export --show-secrets").output()));
        assertEquals(SENTINEL, secretInCluster());
        project.mlapi(other, "preview", "staging", "--expect-no-changes").assertOk("preview --expect-no-changes after both");
    }

    @Test
    @Order(5)
    void theCommandMoveStatePrintsRemovesOnlyTheFileBackendCopy() throws IOException {
        String line = moveOutput.lines().map(String::trim).filter(l -> l.contains("stack rm")).reduce((a, b) -> b).orElseThrow();
        // PULUMI_BACKEND_URL=file://... ./mlapi pulumi stack rm staging --force --preserve-config --yes
        List<String> words = List.of(line.split(" "));
        String[] assignment = words.get(0).split("=", 2);
        assertEquals("./mlapi", words.get(1), line);
        Map<String, String> env = new HashMap<>(awsEnvironment());
        env.put(assignment[0], assignment[1]);
        project.mlapi(env, words.subList(2, words.size()).toArray(String[]::new)).assertOk(line);

        assertFalse(Files.exists(fileBackendState()), "the file-backend stack is gone");
        String stackFile = project.read("Pulumi.staging.yaml");
        assertTrue(stackFile.contains(KMS), "the stack file stays, on KMS: " + stackFile);
        project.mlapi(workstation("workstation-1"), "pulumi", "stack", "export", "--stack", "staging").assertOk("the S3 stack stays");
        assertEquals(SENTINEL, secretInCluster(), "the cluster's objects stay");
    }

    /** The stack secret, as set or as the provider keeps a Secret's data (base64). */
    private static boolean holdsSecret(String text) {
        return text.contains(SENTINEL) || text.contains(Base64.getEncoder().encodeToString(SENTINEL.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> withoutTestJob(List<String> urns) {
        return urns.stream().filter(u -> !u.contains("kubernetes:batch/v1:Job::")).toList();
    }

    private static String secretInCluster() {
        for (JsonNode secret : project.kubectlJson("get", "secrets", "-n", NS).get("items")) {
            JsonNode value = secret.at("/data/" + SECRET_KEY);
            if (!value.isMissingNode()) {
                return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no Secret with " + SECRET_KEY + " in " + NS);
    }

    private static String secureValue(String stackFile) {
        Matcher m = Pattern.compile("mlapi:modelRegistryToken:\\s*\\n\\s*secure: (\\S+)").matcher(stackFile);
        assertTrue(m.find(), stackFile);
        return m.group(1);
    }

    private static JsonNode json(String text) throws IOException {
        // The CLI's warnings come before the document on the merged output.
        int start = text.indexOf('{');
        assertTrue(start >= 0, text);
        return JSON.readTree(text.substring(start));
    }

    private static List<String> urns(JsonNode export) {
        List<String> urns = new ArrayList<>();
        export.at("/deployment/resources").forEach(r -> urns.add(r.get("urn").asText()));
        return urns.stream().sorted().toList();
    }

    private static JsonNode deploymentOf(JsonNode export) {
        for (JsonNode r : export.at("/deployment/resources")) {
            if (r.get("type").asText().equals("kubernetes:apps/v1:Deployment")) {
                return r;
            }
        }
        throw new AssertionError("no Deployment in the state");
    }

    private static String logLevel(JsonNode env) {
        for (JsonNode variable : env) {
            if (variable.path("name").asText().equals("LOG_LEVEL")) {
                return variable.path("value").asText();
            }
        }
        throw new AssertionError("no LOG_LEVEL in " + env);
    }

    private static boolean answers(String url) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An S3 request to moto, which tells the service by the credential scope and checks no signature. */
    private static String s3(String pathAndQuery) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(AWS + "/" + BUCKET + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/" + REGION + "/s3/aws4_request, SignedHeaders=host, Signature=0")
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
            assertEquals(200, response.statusCode(), pathAndQuery + ": " + response.body());
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static List<String> s3Keys(String prefix) throws IOException {
        Matcher m = Pattern.compile("<Key>([^<]+)</Key>").matcher(s3("?list-type=2&prefix=" + prefix));
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static String s3Object(String key) throws IOException {
        return s3("/" + key);
    }
}
