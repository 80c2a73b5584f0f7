package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests every committed stack renders, through kube-score and checkov (both pinned in
 * tools/), and the restricted Pod Security check that render runs itself. No critical finding;
 * every other finding is in policy/allow-list.yaml with its reason, and every entry there is
 * still needed. Nothing is deployed: the manifests only meet the API server's dry run.
 */
class PolicyIT {
    private static final JsonMapper JSON = new JsonMapper();
    private static final List<String> STACKS = List.of("dev", "staging", "production");
    private static final int PORT = Project.port(30443);
    private static Project project;

    @BeforeAll
    static void renderEveryStack() throws IOException {
        project = Project.fresh("policy", PORT);
        for (String stack : STACKS) {
            Project.Result render = stack.equals("dev")
                    ? project.mlapi("render", stack, "rendered/" + stack)
                    : project.mlapiWithTestPassphrase("render", stack, "rendered/" + stack);
            render.assertOk("render " + stack);
            assertTrue(render.output().contains("restricted Pod Security: 0 violation(s)"), render.output());
        }
    }

    @AfterAll
    static void stopCluster() {
        if (project != null) {
            project.stop();
        }
    }

    @Test
    void findingsAreNoneCriticalAndAllAllowListed() throws IOException {
        Set<String> findings = new TreeSet<>();
        List<String> critical = new ArrayList<>();
        for (String stack : STACKS) {
            Path manifests = project.dir.resolve("rendered/" + stack + "/1-manifest");
            List<String> files;
            try (Stream<Path> list = Files.list(manifests)) {
                files = list.map(Path::toString).sorted().toList();
            }
            List<String> kubeScore = new ArrayList<>(List.of(project.dir.resolve(".tools/bin/kube-score").toString(), "score", "--output-format", "json"));
            kubeScore.addAll(files);
            for (JsonNode object : JSON.readTree(run(kubeScore))) {
                for (JsonNode check : object.get("checks")) {
                    int grade = check.get("grade").asInt();
                    if (!check.get("skipped").asBoolean() && grade < 10) {
                        String finding = "kube-score " + check.at("/check/id").asText() + " " + stack;
                        findings.add(finding);
                        if (grade <= 1) {
                            critical.add(finding + ": " + object.get("object_name").asText());
                        }
                    }
                }
            }
            String checkov = run(List.of(project.dir.resolve(".tools/bin/checkov").toString(), "-d", manifests.toString(),
                    "--framework", "kubernetes", "--quiet", "--compact", "-o", "json"));
            for (JsonNode failed : JSON.readTree(checkov).at("/results/failed_checks")) {
                findings.add("checkov " + failed.get("check_id").asText() + " " + stack);
            }
        }
        assertEquals(List.of(), critical, "critical findings");

        Set<String> allowed = new TreeSet<>();
        for (JsonNode entry : new YAMLMapper().readTree(Path.of("policy/allow-list.yaml").toFile())) {
            assertTrue(entry.path("reason").asText().length() > 20, "an allow-list entry without a reason: " + entry);
            entry.get("stacks").forEach(stack -> allowed.add(entry.get("tool").asText() + " " + entry.get("check").asText() + " " + stack.asText()));
        }
        assertEquals(allowed, findings, "findings and allow-list differ");
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
