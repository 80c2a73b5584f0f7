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
import java.util.function.Function;
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
        assertTriggeredExactlyWhere(workflow("pull-request.yml").at("/on/pull_request/branches"), BranchPolicy.Decision::previewOnPullRequest);
    }

    private static void assertTriggeredExactlyWhere(JsonNode branchFilters, Function<BranchPolicy.Decision, List<Environment>> stacks) {
        List<String> patterns = strings(branchFilters);
        for (String branch : SAMPLE_BRANCHES) {
            boolean acts = !stacks.apply(BranchPolicy.decide(branch)).isEmpty();
            assertEquals(acts, patterns.stream().anyMatch(p -> glob(p).matcher(branch).matches()), branch);
        }
    }

    @Test
    void stacksDeployInOrderAndProductionNeedsStagingForTheSameCommitAndImage() throws IOException {
        JsonNode jobs = workflow("deploy.yml").get("jobs");
        assertEquals(List.of("plan"), strings(jobs.at("/dev/needs")));
        assertTrue(strings(jobs.at("/staging/needs")).contains("dev"));
        assertTrue(strings(jobs.at("/production/needs")).contains("staging"));
        String productionIf = jobs.at("/production/if").asText();
        assertTrue(productionIf.contains("needs.staging.result == 'success'"), productionIf);
        assertTrue(productionIf.contains("needs.staging.outputs.sha == github.sha"), productionIf);
        assertEquals("staging", jobs.at("/production/with/promoted-from").asText());
        assertEquals("${{ needs.staging.outputs.image }}", jobs.at("/production/with/promoted-image").asText());
        for (Environment stack : Environment.values()) {
            assertEquals("./.github/workflows/deploy-stack.yml", jobs.at("/" + stack.id() + "/uses").asText());
            assertEquals(stack.id(), jobs.at("/" + stack.id() + "/with/stack").asText());
        }
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
        for (String file : List.of("deploy.yml", "deploy-stack.yml", "drift.yml")) {
            JsonNode root = workflow(file);
            assertFalse(root.at("/concurrency/cancel-in-progress").asBoolean(false), file);
            root.get("jobs").forEach(job -> assertFalse(job.at("/concurrency/cancel-in-progress").asBoolean(false), file));
        }
    }

    @Test
    void previewsCommentOnThePullRequestOnceAndDriftFailsOnChanges() throws IOException {
        JsonNode preview = step(workflow("pull-request.yml").at("/jobs/preview/steps"), "pulumi/actions");
        assertEquals("preview", preview.at("/with/command").asText());
        assertTrue(preview.at("/with/comment-on-pr").asBoolean());
        assertTrue(preview.at("/with/edit-pr-comment").asBoolean());
        JsonNode drift = step(workflow("drift.yml").at("/jobs/drift/steps"), "pulumi/actions");
        assertTrue(drift.at("/with/expect-no-changes").asBoolean());
        assertTrue(drift.at("/with/refresh").asBoolean());
        assertEquals(List.of("dev", "staging", "production"), strings(workflow("drift.yml").at("/jobs/drift/strategy/matrix/stack")));
    }

    @Test
    void everyActionIsPinnedToAnExactVersionAndAwsAccessIsByOidc() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Path.of(".github"))) {
            all.filter(p -> p.toString().endsWith(".yml")).forEach(files::add);
        }
        Pattern exact = Pattern.compile("^[\\w.-]+/[\\w.-]+(/[\\w./-]+)?@(v\\d+\\.\\d+\\.\\d+|[0-9a-f]{40})$");
        for (Path file : files) {
            String text = Files.readString(file);
            YAML.readTree(text).findValues("uses").forEach(uses -> {
                String ref = uses.asText();
                assertTrue(ref.startsWith("./") || exact.matcher(ref).matches(), file + ": " + ref);
            });
            assertFalse(text.contains("aws-access-key-id") || text.contains("aws-secret-access-key"), file + " uses stored AWS keys");
        }
        JsonNode access = YAML.readTree(Path.of(".github/actions/stack-access/action.yml").toFile());
        assertEquals("${{ inputs.role-to-assume }}", step(access.at("/runs/steps"), "aws-actions/configure-aws-credentials").at("/with/role-to-assume").asText());
        assertEquals("write", workflow("deploy-stack.yml").at("/permissions/id-token").asText());
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
