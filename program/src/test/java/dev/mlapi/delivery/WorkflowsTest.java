package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.config.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The workflows agree with BranchPolicy and keep the delivery rules. */
class WorkflowsTest {
    private static final Path WORKFLOWS = Path.of(".github/workflows");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final List<String> SAMPLE_BRANCHES = List.of("main", "master", "release/1.4.0", "release-1.2.3",
            "release/2.0.0-rc.1", "develop", "dev", "staging", "production", "hotfix/INC-42", "feature/x/y", "my-experiment");

    @Test
    void aPushTriggersDeployExactlyOnBranchesThatDeploy() throws IOException {
        assertTriggeredExactlyWhere(workflow("deploy.yml").at("/on/push/branches"), BranchPolicy.Decision::deployOnPush);
    }

    @Test
    void pullRequestsArePreviewedOnBranchesThatPreview() throws IOException {
        for (String file : List.of("pull-request.yml", "pull-request-preview.yml")) {
            assertTriggeredExactlyWhere(workflow(file).at("/on/pull_request/branches"), BranchPolicy.Decision::previewOnPullRequest);
        }
    }

    private static void assertTriggeredExactlyWhere(JsonNode branchFilters, Function<BranchPolicy.Decision, List<Environment>> stacks) {
        List<String> patterns = strings(branchFilters);
        for (String branch : SAMPLE_BRANCHES) {
            boolean acts = !stacks.apply(BranchPolicy.decide(branch)).isEmpty();
            assertEquals(acts, patterns.stream().anyMatch(p -> glob(p).matcher(branch).matches()), branch);
        }
    }

    @Test
    void stacksDeployInOrderAndProductionPassesThePromotionGateAgainstStagingsState() throws IOException {
        JsonNode jobs = workflow("deploy.yml").get("jobs");
        assertEquals(List.of("plan"), strings(jobs.at("/dev/needs")));
        assertTrue(strings(jobs.at("/staging/needs")).contains("dev"));
        assertTrue(strings(jobs.at("/production/needs")).contains("staging"));
        String productionIf = jobs.at("/production/if").asText();
        assertTrue(productionIf.contains("needs.staging.result == 'success'"), productionIf);
        assertFalse(productionIf.contains("github.sha"), "a run compared with itself can never fail: " + productionIf);
        assertEquals("staging", jobs.at("/production/with/promoted-from").asText());
        for (Environment stack : Environment.values()) {
            assertEquals("./.github/workflows/deploy-stack.yml", jobs.at("/" + stack.id() + "/uses").asText());
            assertEquals(stack.id(), jobs.at("/" + stack.id() + "/with/stack").asText());
        }
        // The gate reads what staging runs from staging's state, not from a value a job reports, and stops before up.
        JsonNode steps = workflow("deploy-stack.yml").at("/jobs/up/steps");
        int gate = -1;
        int up = -1;
        for (int i = 0; i < steps.size(); i++) {
            String run = steps.get(i).path("run").asText();
            if (run.startsWith("./mlapi check-promotion")) {
                gate = i;
                assertEquals("./mlapi check-promotion \"$FROM\" \"$STACK\"", run.trim());
                assertEquals("${{ inputs.promoted-from }}", steps.get(i).at("/env/FROM").asText());
                assertEquals("inputs.promoted-from != ''", steps.get(i).path("if").asText());
            } else if (run.startsWith("./mlapi up")) {
                up = i;
            }
        }
        assertTrue(gate >= 0 && gate < up, "the promotion gate runs before up: gate step " + gate + ", up step " + up);
    }

    @Test
    void eachStackDeploysInItsEnvironmentAndConcurrencyGroupWithoutCancelling() throws IOException {
        JsonNode job = workflow("deploy-stack.yml").at("/jobs/up");
        assertEquals("${{ inputs.stack }}", job.get("environment").asText(), "production's environment carries the required reviewers");
        assertEquals("deploy-${{ inputs.stack }}", job.at("/concurrency/group").asText());
        assertFalse(job.at("/concurrency/cancel-in-progress").asBoolean(true));
        assertTrue(job.toString().contains("./mlapi check-promotion"), "the promoted image is checked before up");
    }

    @Test
    void noDeployOrDriftJobCancelsOneInProgress() throws IOException {
        for (String file : List.of("deploy.yml", "deploy-stack.yml", "drift.yml", "release.yml")) {
            JsonNode root = workflow(file);
            assertFalse(root.at("/concurrency/cancel-in-progress").asBoolean(false), file);
            root.get("jobs").forEach(job -> assertFalse(job.at("/concurrency/cancel-in-progress").asBoolean(false), file));
        }
    }

    @Test
    void eachAffectedStackIsPreviewedAndCommentedOnceAndDriftFailsOnChanges() throws IOException {
        JsonNode pullRequest = workflow("pull-request.yml");
        JsonNode jobs = pullRequest.get("jobs");
        assertTrue(jobs.at("/preview-dev/if").asText().contains("'dev'"));
        assertTrue(jobs.at("/preview-dev").toString().contains("./mlapi preview dev"));
        assertEquals("preview-dev", uploadStep(jobs.at("/preview-dev/steps")).at("/with/name").asText());
        JsonNode preview = workflow("pull-request-preview.yml");
        for (String stack : List.of("staging", "production")) {
            JsonNode job = preview.at("/jobs/" + stack);
            assertTrue(job.path("if").asText().contains("'" + stack + "'"), job.toString());
            assertEquals("./.github/workflows/preview-stack.yml", job.path("uses").asText());
            assertEquals(stack, job.at("/with/stack").asText());
        }
        for (JsonNode workflow : List.of(pullRequest, preview, workflow("deploy.yml"))) {
            assertEquals("./.github/workflows/plan.yml", workflow.at("/jobs/plan/uses").asText(), "one plan, from ./mlapi stacks-for");
        }
        JsonNode previewStack = workflow("preview-stack.yml").at("/jobs/preview");
        assertTrue(previewStack.toString().contains("./mlapi preview \\\"$STACK\\\""), previewStack.toString());
        assertEquals("preview-${{ inputs.stack }}", uploadStep(previewStack.get("steps")).at("/with/name").asText());

        JsonNode comment = workflow("pull-request-comment.yml");
        assertEquals(List.of(pullRequest.get("name").asText(), preview.get("name").asText()), strings(comment.at("/on/workflow_run/workflows")));
        JsonNode download = step(comment.at("/jobs/comment/steps"), "actions/download-artifact");
        assertEquals("preview-*", download.at("/with/pattern").asText());
        assertEquals("${{ github.event.workflow_run.id }}", download.at("/with/run-id").asText());
        String script = comment.at("/jobs/comment/steps/1/run").asText();
        assertTrue(script.contains("<!-- mlapi-preview:$stack -->") && script.contains("--method PATCH"), "one comment per stack, edited in place");

        JsonNode drift = workflow("drift.yml").at("/jobs/drift");
        assertTrue(drift.toString().contains("./mlapi preview \\\"$STACK\\\" --refresh --expect-no-changes"), drift.toString());
        assertEquals(List.of("dev", "staging", "production"), strings(drift.at("/strategy/matrix/stack")));
    }

    @Test
    void theLibraryIsReleasedFromItsVersionsTagOnlyAfterTheCheckAndEveryTest() throws IOException {
        JsonNode release = workflow("release.yml");
        assertEquals(List.of("push"), strings(release.path("on").fieldNames()));
        assertEquals(List.of("v*"), strings(release.at("/on/push/tags")));
        assertTrue(release.at("/on/push/branches").isMissingNode(), "a tag only");
        JsonNode jobs = release.get("jobs");
        assertEquals(List.of("check", "test", "publish"), strings(jobs.fieldNames()));
        assertEquals(List.of("check"), strings(jobs.at("/test/needs")));
        assertEquals(List.of("test"), strings(jobs.at("/publish/needs")));
        JsonNode check = jobs.at("/check/steps/1");
        assertEquals(".github/release-check \"$TAG\"", check.path("run").asText());
        assertEquals("${{ github.ref_name }}", check.at("/env/TAG").asText());
        assertEquals("sudo -E env \"PATH=$PATH\" bash .ci/run", jobs.at("/test/steps").get(jobs.at("/test/steps").size() - 1).path("run").asText(),
                "every test, as pull-request.yml runs them");
        assertEquals(0, jobs.at("/test/steps/0/with/fetch-depth").asInt(-1), "the previous release is built from its commit");
        String publish = jobs.at("/publish/steps").get(jobs.at("/publish/steps").size() - 1).path("run").asText();
        assertTrue(publish.startsWith("mvn -B -ntp -pl component -am deploy ") && publish.contains("-DaltDeploymentRepository=github::https://maven.pkg.github.com/$REPOSITORY"),
                "the library and its parent pom, to the repository's registry, as the server setup-java writes (github): " + publish);
    }

    @Test
    void everyWorkflowHasItsRowInTheBranchingDoc() throws IOException {
        String doc = Files.readString(Path.of("docs/BRANCHING.md"));
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            for (Path file : files.sorted().toList()) {
                assertTrue(doc.contains("\n| `.github/workflows/" + file.getFileName() + "` |"), "docs/BRANCHING.md's workflows table lacks " + file);
            }
        }
    }

    private static JsonNode uploadStep(JsonNode steps) {
        JsonNode upload = step(steps, "actions/upload-artifact");
        assertEquals("always()", upload.path("if").asText(), "a failed preview is reported too");
        return upload;
    }

    @Test
    void everyThirdPartyActionIsPinnedByCommitWithItsVersionAndAwsAccessIsByOidc() throws IOException {
        Pattern pinned = Pattern.compile("^\\s*-?\\s*uses:\\s*([\\w.-]+/[\\w.-]+(?:/[\\w./-]+)?)@([0-9a-f]{40})\\s+#\\s+(v\\d+\\.\\d+\\.\\d+)\\s*$");
        Map<String, String> versionOf = new TreeMap<>();
        int actions = 0;
        for (Path file : githubFiles()) {
            String text = Files.readString(file);
            for (String line : text.lines().filter(l -> l.matches("^\\s*-?\\s*uses:.*")).toList()) {
                if (line.replaceFirst("^\\s*-?\\s*uses:\\s*", "").startsWith("./")) {
                    continue;
                }
                Matcher m = pinned.matcher(line);
                assertTrue(m.matches(), file + ": not pinned by a full commit SHA with its version in a comment: " + line.trim());
                String previous = versionOf.put(m.group(1) + "@" + m.group(2), m.group(3));
                assertTrue(previous == null || previous.equals(m.group(3)), file + ": " + m.group(1) + "@" + m.group(2) + " is called both " + previous + " and " + m.group(3));
                actions++;
            }
            assertFalse(text.contains("aws-access-key-id") || text.contains("aws-secret-access-key"), file + " uses stored AWS keys");
        }
        assertTrue(actions >= 8, "third-party actions found: " + actions);
        String doc = Files.readString(Path.of("docs/BRANCHING.md"));
        versionOf.forEach((action, version) -> {
            String[] pin = action.split("@");
            assertTrue(doc.contains("| `" + pin[0] + "` | " + version + " | `" + pin[1] + "` |"), "docs/BRANCHING.md's pin table lacks " + action + " " + version);
        });
        JsonNode access = YAML.readTree(Path.of(".github/actions/stack-access/action.yml").toFile());
        assertEquals("${{ inputs.role-to-assume }}", step(access.at("/runs/steps"), "aws-actions/configure-aws-credentials").at("/with/role-to-assume").asText());
    }

    private static List<Path> githubFiles() throws IOException {
        try (Stream<Path> all = Files.walk(Path.of(".github"))) {
            return all.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList();
        }
    }

    private static JsonNode step(JsonNode steps, String action) {
        for (JsonNode s : steps) {
            if (s.path("uses").asText().startsWith(action + "@")) {
                return s;
            }
        }
        throw new AssertionError("no step uses " + action);
    }

    private static JsonNode workflow(String name) throws IOException {
        return YAML.readTree(WORKFLOWS.resolve(name).toFile());
    }

    private static List<String> strings(java.util.Iterator<String> names) {
        List<String> values = new ArrayList<>();
        names.forEachRemaining(values::add);
        return values;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> values.add(n.asText()));
        } else if (!node.isMissingNode()) {
            values.add(node.asText());
        }
        return values;
    }

    /** GitHub's branch filter: * matches within a path segment, ** across them. */
    private static Pattern glob(String filter) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < filter.length(); i++) {
            if (filter.startsWith("**", i)) {
                regex.append(".*");
                i++;
            } else if (filter.charAt(i) == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(filter.charAt(i))));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
