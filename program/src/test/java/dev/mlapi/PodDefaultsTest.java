package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlapi.ProgramUnderMocks.Registered;
import dev.mlapi.ProgramUnderMocks.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the pod gets beyond the stack's own settings: the environment a Python ML server needs under
 * the restricted profile (a UID without a home, a read-only root), production's memory and GPU
 * placement. Expected values are stated here, not read from the program's code.
 */
class PodDefaultsTest {
    private static final String DEPLOYMENT = "kubernetes:apps/v1:Deployment";
    private static final String POD = "/spec/template/spec";
    private static final String CONTAINER = POD + "/containers/0";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static final List<String> THREADS = List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS");

    @TempDir
    Path project;

    private Registered deployment(String stack, String config) throws IOException {
        Files.writeString(project.resolve("Pulumi." + stack + ".yaml"), "config:\n  mlapi:name: sentiment-api\n" + config);
        Run run = ProgramUnderMocks.run(project, stack);
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        return run.one(DEPLOYMENT);
    }

    private Registered dev(String config) throws IOException {
        return deployment("dev", "  mlapi:image: {repository: ghcr.io/acme/sentiment-api, tag: main}\n" + config);
    }

    private Registered production(String config) throws IOException {
        return deployment("production", "  mlapi:image: {repository: ghcr.io/acme/sentiment-api, digest: \"" + DIGEST + "\"}\n" + config);
    }

    @Test
    void cachesAndHomeGoUnderTheModelCacheAndThreadsFollowTheCpuLimit() throws IOException {
        Registered deployment = dev("""
                  mlapi:resources: {limits: {cpu: 1500m}}
                  mlapi:modelCache: {mountPath: /models, sizeLimit: 2Gi}
                """);
        Map<String, String> env = env(deployment);
        assertEquals("/tmp", env.get("HOME"), "a home that exists and is writable: the pod's /tmp emptyDir");
        assertEquals("/models/.cache", env.get("XDG_CACHE_HOME"));
        assertEquals("/models/huggingface", env.get("HF_HOME"));
        assertEquals("1", env.get("PYTHONDONTWRITEBYTECODE"));
        THREADS.forEach(name -> assertEquals("2", env.get(name), name + ": 1.5 cores, rounded up"));
        assertEquals("/tmp", mountOf(deployment, "tmp").path("mountPath").asText());
        assertTrue(volume(deployment, "tmp").has("emptyDir"), "/tmp is a writable emptyDir under a read-only root");
        assertTrue(!mountOf(deployment, "model-cache").path("readOnly").asBoolean(false), "an emptyDir cache is writable");
    }

    @Test
    void withoutAModelCacheCachesGoUnderTmpAndASmallLimitStillGetsOneThread() throws IOException {
        Map<String, String> env = env(dev("  mlapi:resources: {limits: {cpu: 250m}}\n"));
        assertEquals("/tmp", env.get("HOME"));
        assertEquals("/tmp/.cache", env.get("XDG_CACHE_HOME"));
        assertEquals("/tmp/huggingface", env.get("HF_HOME"));
        THREADS.forEach(name -> assertEquals("1", env.get(name), name));
    }

    @Test
    void withoutACpuLimitTheLibrariesChooseTheirThreadCounts() throws IOException {
        Map<String, String> env = env(dev("  mlapi:resources: {limits: {cpu: null}}\n"));
        THREADS.forEach(name -> assertTrue(!env.containsKey(name), name + " is not set: " + env));
        assertEquals("/tmp", env.get("HOME"));
    }

    @Test
    void whatTheStackSetsItselfWinsAndNoNameIsListedTwice() throws IOException {
        Registered deployment = dev("""
                  mlapi:env: {HF_HOME: /data/hf, OMP_NUM_THREADS: "8", HOME: /home/api}
                  mlapi:configMap: {data: {MKL_NUM_THREADS: "3"}}
                  mlapi:secrets: [{name: cache-dir, env: XDG_CACHE_HOME, stackConfig: cacheDir}]
                  mlapi:cacheDir: {secure: v1:AAAA}
                """);
        List<String> names = new ArrayList<>();
        deployment.inputs().at(CONTAINER + "/env").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(names.stream().distinct().toList(), names, "each variable once");
        Map<String, String> env = env(deployment);
        assertEquals("/data/hf", env.get("HF_HOME"));
        assertEquals("8", env.get("OMP_NUM_THREADS"));
        assertEquals("/home/api", env.get("HOME"));
        assertEquals("secret cache-dir", env.get("XDG_CACHE_HOME"));
        assertTrue(!env.containsKey("MKL_NUM_THREADS"), "the ConfigMap's variable is not overridden by the container's env list");
        assertEquals("1", env.get("OPENBLAS_NUM_THREADS"), "dev's 1-core limit");
    }

    @Test
    void aReadOnlyClaimIsMountedReadOnlyAndWritableCachesMoveToTmp() throws IOException {
        Registered deployment = production("""
                  mlapi:namespace: {name: sentiment-api-production, create: false}
                  mlapi:modelCache: {mountPath: /models, existingClaim: model-weights, readOnly: true}
                """);
        assertTrue(mountOf(deployment, "model-cache").path("readOnly").asBoolean(), "the claim is mounted read-only");
        Map<String, String> env = env(deployment);
        assertEquals("/models/huggingface", env.get("HF_HOME"), "the prepared weights are read from the claim");
        assertEquals("1", env.get("HF_HUB_OFFLINE"), "a read-only cache takes no downloads");
        assertEquals("/tmp/.cache", env.get("XDG_CACHE_HOME"));
    }

    @Test
    void productionReservesItsWholeMemoryLimit() throws IOException {
        Registered deployment = production("  mlapi:resources: {limits: {memory: 8Gi}}\n");
        assertEquals("8Gi", deployment.at(CONTAINER + "/resources/requests/memory"));
        assertEquals("8Gi", deployment.at(CONTAINER + "/resources/limits/memory"));
        Registered defaults = production("");
        assertEquals(defaults.at(CONTAINER + "/resources/limits/memory"), defaults.at(CONTAINER + "/resources/requests/memory"));
        assertEquals("4Gi", defaults.at(CONTAINER + "/resources/requests/memory"));
    }

    @Test
    void anEmptyGpuNodeSelectorClearsTheFeatureDiscoveryLabelForADevicePluginOnlyCluster() throws IOException {
        Registered deployment = production("""
                  mlapi:resources: {gpu: 1}
                  mlapi:scheduling: {gpuNodeSelector: {}}
                """);
        JsonNode pod = deployment.inputs().at(POD);
        assertTrue(pod.path("nodeSelector").isMissingNode() || pod.path("nodeSelector").isEmpty(), "no node label is required: " + pod.path("nodeSelector"));
        assertEquals("1", pod.at("/containers/0/resources/limits/nvidia.com~1gpu").asText(), "the scheduler places it by the GPU resource");
        assertEquals("nvidia.com/gpu", pod.at("/tolerations/0/key").asText(), "the GPU taint is still tolerated");
    }

    private static Map<String, String> env(Registered deployment) {
        Map<String, String> env = new TreeMap<>();
        deployment.inputs().at(CONTAINER + "/env").forEach(e -> env.put(e.get("name").asText(),
                e.has("value") ? e.get("value").asText() : "secret " + e.at("/valueFrom/secretKeyRef/key").asText()));
        return env;
    }

    private static JsonNode mountOf(Registered deployment, String volume) {
        for (JsonNode m : deployment.inputs().at(CONTAINER + "/volumeMounts")) {
            if (m.get("name").asText().equals(volume)) {
                return m;
            }
        }
        throw new AssertionError("no mount of " + volume);
    }

    private static JsonNode volume(Registered deployment, String name) {
        for (JsonNode v : deployment.inputs().at(POD + "/volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }
}
