package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlapi.config.StackArgs;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine waits for a whole rollout, one surge batch after another, while the Deployment's
 * progress deadline covers one batch: a slow but healthy rollout of many replicas must fit.
 */
class RolloutTimeoutTest {
    private static MlApiArgs committed(String stack) {
        return StackArgs.of(StackConfigLoader.load(StackFile.read(Path.of(""), stack).source(ciphertext -> "decrypted")), Map.of(), Map.of());
    }

    @Test
    void devReplacesItsOnePodInOneBatch() {
        MlApiArgs dev = committed("dev");
        assertEquals(180 + 90, HealthProbes.progressDeadlineSeconds(dev.probes()));
        assertEquals(Duration.ofSeconds(270 + 60), AppDeployment.rolloutTimeout(dev));
    }

    @Test
    void stagingReplacesTwoPodsOneAtATime() {
        // Two replicas, surge 25% rounded up: one new pod at a time, two batches.
        MlApiArgs staging = committed("staging");
        assertEquals(Duration.ofSeconds(2 * (300 + 90) + 60), AppDeployment.rolloutTimeout(staging));
    }

    @Test
    void productionSizesTheWaitForItsLargestScale() {
        // Autoscaled up to 12 replicas: a surge of 3, four batches of one model load each.
        MlApiArgs production = committed("production");
        assertEquals(Duration.ofSeconds(4 * (600 + 90) + 60), AppDeployment.rolloutTimeout(production));
    }
}
