package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** actionlint, built from its pinned module by ./mlapi tools, finds nothing in the workflows. */
class ActionlintIT {
    @Test
    void workflowsPassActionlint() throws IOException, InterruptedException {
        Path actionlint = Path.of(".tools/bin/actionlint");
        assertTrue(Files.isExecutable(actionlint), "actionlint is not built; ./mlapi test builds it");
        Process process = new ProcessBuilder(actionlint.toString(), "-color=false").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }
}
