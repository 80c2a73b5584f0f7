package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.ProgramUnderMocks.Run;
import dev.mlapi.config.StackArgs;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection-test Job under mocks: its own small image pinned by digest, the API's
 * placement without the GPU, a deadline that leaves room for scheduling and the pull, the
 * Service's name without a cluster domain, and no TTL that would delete it behind the engine.
 */
class ConnectionTestJobTest {
    private static final String DEPLOYMENT = "kubernetes:apps/v1:Deployment";
    private static final String JOB = "kubernetes:batch/v1:Job";
    private static final String POD = "/spec/template/spec";
    private static final String CONTAINER = POD + "/containers/0";
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path project;

    private static JsonNode stackConfig(Path dir, String stack) throws IOException {
        return YAML.readTree(StackFile.path(dir, stack).toFile()).path("config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void theTestRunsItsOwnImageByDigestNotTheApisPython(String stack) throws IOException {
        Run run = ProgramUnderMocks.run(stack);
        JsonNode container = run.one(JOB).inputs().at(CONTAINER);
        String image = container.path("image").asText();
        assertTrue(image.matches("[a-z0-9./-]+connection-test@sha256:[0-9a-f]{64}"), image);
        assertNotEquals(run.one(DEPLOYMENT).at(CONTAINER + "/image"), image, "the API's image needs no python3 for the test");
        assertFalse(container.toString().contains("python"), container.toString());
        JsonNode stated = stackConfig(ProgramUnderMocks.PROJECT, stack).path("mlapi:connectionTest").path("image");
        if (!stated.isMissingNode()) {
            assertEquals(stated.asText(), image, "the stack file's connectionTest.image");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void theTestAsksTheServiceByItsNameInTheNamespaceWithoutAClusterDomain(String stack) throws IOException {
        Run run = ProgramUnderMocks.run(stack);
        String path = stackConfig(ProgramUnderMocks.PROJECT, stack).path("mlapi:connectionTest").path("path").asText("/ready");
        JsonNode args = run.one(JOB).inputs().at(CONTAINER + "/args");
        assertEquals("http://sentiment-api.sentiment-api-" + stack + ".svc" + path, args.get(0).asText());
        assertFalse(run.one(JOB).inputs().toString().contains("cluster.local"), "the cluster's domain is the cluster's choice");
        assertEquals("http://sentiment-api.sentiment-api-" + stack + ".svc", run.output("url"));
    }

    @Test
    void serviceUrlNamesThePortUnlessItIs80() {
        assertEquals("http://api.team-a.svc:8080", AppLabels.serviceUrl("api", "team-a", 8080));
        assertEquals("http://api.team-a.svc", AppLabels.serviceUrl("api", "team-a", 80));
    }

    /** Production with GPUs and placement rules of its own: the test goes where the API goes, minus the GPU. */
    @Test
    void onProductionTheTestTakesTheApisPlacementButNotTheGpu() throws IOException {
        Files.copy(ProgramUnderMocks.PROJECT.resolve("Pulumi.yaml"), project.resolve("Pulumi.yaml"));
        ObjectNode file = (ObjectNode) YAML.readTree(StackFile.path(ProgramUnderMocks.PROJECT, "production").toFile());
        ((ObjectNode) file.get("config")).set("mlapi:scheduling", YAML.readTree("""
                nodeSelector: {node-pool: inference}
                tolerations: [{key: dedicated, operator: Equal, value: ml, effect: NoSchedule}]
                requiredNodeAffinity: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a, zone-b]}]
                """));
        Files.writeString(StackFile.path(project, "production"), YAML.writeValueAsString(file));
        Run run = ProgramUnderMocks.run(project, "production");
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());

        JsonNode api = run.one(DEPLOYMENT).inputs().at(POD);
        assertEquals("true", api.at("/nodeSelector/nvidia.com~1gpu.present").asText(), "the API itself is on GPU nodes");
        JsonNode test = run.one(JOB).inputs().at(POD);
        assertEquals(Map.of("node-pool", "inference"), YAML.convertValue(test.get("nodeSelector"), Map.class));
        assertEquals(YAML.readTree("[{key: dedicated, operator: Equal, value: ml, effect: NoSchedule}]"), test.get("tolerations"));
        assertEquals(api.get("affinity"), test.get("affinity"));
        assertFalse(test.get("affinity").isNull());
        assertFalse(test.toString().contains("nvidia.com/gpu"), test.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void theJobsDeadlineIsTheProgramsTimeoutPlusTimeToScheduleAndPull(String stack) throws IOException {
        int timeout = stackConfig(ProgramUnderMocks.PROJECT, stack).path("mlapi:connectionTest").path("timeoutSeconds").asInt(120);
        JsonNode job = ProgramUnderMocks.run(stack).one(JOB).inputs();
        assertEquals(List.of(Integer.toString(timeout)), List.of(job.at(CONTAINER + "/args/1").asText()), "the program's own limit");
        int deadline = job.at("/spec/activeDeadlineSeconds").asInt();
        assertEquals(timeout + 120, deadline, "two minutes to schedule the pod and pull the image");
        assertEquals(0, job.at("/spec/backoffLimit").asInt(-1), "the program retries; a second pod would only repeat its verdict");
        var config = StackConfigLoader.load(StackFile.read(ProgramUnderMocks.PROJECT, stack).source(ciphertext -> "decrypted"));
        assertEquals(Duration.ofSeconds(deadline + 30), ConnectionTest.awaitTimeout(StackArgs.of(config, Map.of(), Map.of()).connectionTest().orElseThrow()),
                "the engine waits until the Job has failed by its own deadline, with its reason");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void theFinishedJobIsNotDeletedBehindTheEngine(String stack) {
        JsonNode spec = ProgramUnderMocks.run(stack).one(JOB).inputs().at("/spec");
        assertTrue(spec.has("template"));
        assertFalse(spec.has("ttlSecondsAfterFinished"), "a TTL deletes the Job, and the next refresh-preview plans to create it: false drift");
    }
}
