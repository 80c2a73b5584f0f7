package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No job that runs a pull request's code reaches a secret, a role or a write token without a reviewed gate. */
class WorkflowSecurityTest {
    private static final Set<String> REVIEWED = Set.of("preview-staging", "preview-production");
    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * The environments docs/BRANCHING.md gives pull requests, each behind required reviewers: the
     * environments table's rows whose job is a pull request's and whose reviewers cell says yes.
     */
    static Set<String> reviewedEnvironments() throws IOException {
        String doc = Files.readString(Path.of("docs/BRANCHING.md"));
        int start = doc.indexOf("| environment | job |");
        assertTrue(start >= 0, "docs/BRANCHING.md has no environments table");
        Set<String> reviewed = new TreeSet<>();
        for (String row : doc.substring(start).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
            String[] cells = row.split("\\|");
            if (cells[2].contains("(pull request)") && cells[4].trim().startsWith("yes")) {
                reviewed.add(cells[1].trim().replace("`", ""));
            }
        }
        return reviewed;
    }

    @Test
    void noPullRequestJobReachesACredentialWithoutTheGate() throws IOException {
        Set<String> reviewed = reviewedEnvironments();
        assertEquals(REVIEWED, reviewed, "the documented environments of pull requests, behind reviewers");
        List<String> findings = WorkflowAudit.of(Path.of(".github/workflows"), reviewed).findings();
        assertEquals(List.of(), findings, String.join("\n", findings));
    }

    @Test
    void anOidcTokenGoesOnlyToJobsThatTakeARole() throws IOException {
        Map<String, JsonNode> workflows = workflows();
        int roles = 0;
        for (var workflow : workflows.entrySet()) {
            String permissions = workflow.getValue().path("permissions").toString();
            assertFalse(permissions.contains("id-token") || permissions.contains("write-all"),
                    workflow.getKey() + " grants " + permissions + " to every job");
            for (var job : workflow.getValue().path("jobs").properties()) {
                boolean oidc = "write".equals(job.getValue().at("/permissions/id-token").asText());
                String called = job.getValue().path("uses").asText();
                boolean takesRole = called.startsWith("./.github/workflows/")
                        ? list(workflows.get(called.substring("./.github/workflows/".length())).path("jobs").elements()).stream()
                                .allMatch(WorkflowSecurityTest::takesRole)
                        : takesRole(job.getValue());
                assertEquals(takesRole, oidc, workflow.getKey() + " job " + job.getKey()
                        + (oidc ? " has id-token: write but takes no role" : " takes a role without id-token: write"));
                roles += takesRole ? 1 : 0;
            }
        }
        assertTrue(roles >= 6, "jobs that take a role: " + roles);
    }

    private static boolean takesRole(JsonNode job) {
        for (JsonNode step : job.path("steps")) {
            if (step.path("uses").asText().endsWith("/.github/actions/stack-access")
                    || step.path("uses").asText().startsWith("aws-actions/configure-aws-credentials@")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noJobGetsASecretAndNoPreviewShowsOne() throws IOException {
        for (Path file : githubFiles()) {
            String text = Files.readString(file);
            assertFalse(text.matches("(?s).*secrets:\\s*inherit.*"), file + " passes every secret on");
            Matcher secret = Pattern.compile("secrets\\s*(\\.\\s*([A-Za-z0-9_-]+)|\\[)").matcher(text);
            while (secret.find()) {
                assertEquals("GITHUB_TOKEN", secret.group(2), file + ": staging and production decrypt through the job's role (awskms)"
                        + " and dev's passphrase is committed, so no job needs " + secret.group());
            }
            assertFalse(text.contains("PULUMI_CONFIG_PASSPHRASE"), file + " hands a passphrase to a job");
            assertFalse(text.contains("--show-secrets") || text.contains("PULUMI_SHOW_SECRETS"), file + " shows secret values");
        }
    }

    @Test
    void onlyTheReleasesLastJobWritesPackages() throws IOException {
        List<String> writers = new ArrayList<>();
        for (var workflow : workflows().entrySet()) {
            assertFalse(workflow.getValue().path("permissions").toString().contains("packages"), workflow.getKey() + " gives every job packages");
            for (var job : workflow.getValue().path("jobs").properties()) {
                if (WorkflowAudit.effective(workflow.getValue().get("permissions"), job.getValue().get("permissions"), null)
                        .getOrDefault("packages", "none").equals("write")) {
                    writers.add(workflow.getKey() + " job " + job.getKey());
                }
            }
        }
        assertEquals(List.of("release.yml job publish"), writers);
    }

    @Test
    void theCommentIsWrittenByAJobThatRunsNoPullRequestCode() throws IOException {
        List<String> writers = new ArrayList<>();
        for (var workflow : workflows().entrySet()) {
            for (var job : workflow.getValue().path("jobs").properties()) {
                if (!WorkflowAudit.effective(workflow.getValue().get("permissions"), job.getValue().get("permissions"), null)
                        .getOrDefault("pull-requests", "none").equals("write")) {
                    continue;
                }
                writers.add(workflow.getKey() + " job " + job.getKey());
                assertEquals(List.of("workflow_run"), list(workflow.getValue().path("on").fieldNames()),
                        "a job that writes to pull requests runs the default branch's definition only");
                for (JsonNode step : job.getValue().path("steps")) {
                    String uses = step.path("uses").asText();
                    assertFalse(uses.startsWith("actions/checkout@") || uses.startsWith("./"), workflow.getKey() + " checks out or runs code: " + uses);
                }
                assertTrue(job.getValue().toString().contains("HEAD_SHA"), "the pull request must still be at the commit that run tested");
            }
        }
        assertEquals(List.of("pull-request-comment.yml job comment"), writers);
    }

    private static Map<String, JsonNode> workflows() throws IOException {
        Map<String, JsonNode> workflows = new TreeMap<>();
        for (Path file : githubFiles()) {
            if (file.startsWith(".github/workflows")) {
                workflows.put(file.getFileName().toString(), YAML.readTree(file.toFile()));
            }
        }
        return workflows;
    }

    private static List<Path> githubFiles() throws IOException {
        try (Stream<Path> all = Files.walk(Path.of(".github"))) {
            return all.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList();
        }
    }

    private static <T> List<T> list(Iterator<T> iterator) {
        List<T> all = new ArrayList<>();
        iterator.forEachRemaining(all::add);
        return all;
    }

    // The audit itself, on small workflows: each way in is found, and the gate is recognised.

    private static List<String> audit(String workflow, String... more) {
        Map<String, String> files = new TreeMap<>(Map.of("pr.yml", workflow));
        for (int i = 0; i < more.length; i += 2) {
            files.put(more[i], more[i + 1]);
        }
        return WorkflowAudit.ofText(files, REVIEWED).findings();
    }

    private static final String PULL_REQUEST = "on:\n  pull_request:\npermissions:\n  contents: read\njobs:\n";
    private static final String GATED_STEPS = """
                steps:
                  - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
                    with:
                      ref: ${{ github.event.pull_request.base.sha }}
                      path: base
                  - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
                    with:
                      path: pr
                  - uses: ./base/.github/actions/stack-access
                    with:
                      role-to-assume: ${{ vars.AWS_ROLE_ARN }}
                  - run: ./mlapi preview staging
                    working-directory: pr
            """;

    @Test
    void aSecretInAPullRequestJobIsFound() {
        List<String> findings = audit(PULL_REQUEST + """
                  preview:
                    runs-on: ubuntu-24.04
                    steps:
                      - run: ./mlapi preview staging
                        env:
                          PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE_staging }}
                """);
        assertEquals(1, findings.size(), findings.toString());
        assertTrue(findings.get(0).contains("reaches secrets.PULUMI_CONFIG_PASSPHRASE_staging"), findings.get(0));
        assertTrue(findings.get(0).contains("it names no environment"), findings.get(0));
    }

    @Test
    void aWriteTokenOrUnstatedPermissionsInAPullRequestJobAreFound() {
        String writes = "on: pull_request\njobs:\n  comment:\n    runs-on: ubuntu-24.04\n    permissions:\n      pull-requests: write\n"
                + "    steps:\n      - run: gh pr comment\n";
        assertTrue(audit(writes).get(0).contains("reaches pull-requests: write"), audit(writes).toString());
        String unstated = "on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n";
        assertTrue(audit(unstated).get(0).contains("id-token: write, pull-requests: write"), audit(unstated).toString());
    }

    @Test
    void aReviewedEnvironmentWithActionsFromTheBaseBranchIsTheGate() {
        String gated = PULL_REQUEST + "  preview:\n    runs-on: ubuntu-24.04\n    environment: preview-staging\n"
                + "    permissions:\n      contents: read\n      id-token: write\n" + GATED_STEPS;
        assertEquals(List.of(), audit(gated));
        List<String> unreviewed = audit(gated.replace("preview-staging", "preview"));
        assertTrue(unreviewed.get(0).contains("environment 'preview' is not one of the pull request environments whose reviewers must approve"), unreviewed.toString());
        List<String> deploy = audit(gated.replace("preview-staging", "production"));
        assertTrue(deploy.get(0).contains("environment 'production' is not one of the pull request environments whose reviewers must approve"),
                "a deploy environment is not a pull request's, reviewers or not: " + deploy);
        List<String> ownAction = audit(gated.replace("./base/.github", "./.github"));
        assertTrue(ownAction.get(0).contains("runs ./.github/actions/stack-access from the pull request's own tree"), ownAction.toString());
        List<String> headAsBase = audit(gated.replace("${{ github.event.pull_request.base.sha }}", "${{ github.event.pull_request.head.sha }}"));
        assertTrue(headAsBase.get(0).contains("not from a checkout of the base branch"), headAsBase.toString());
    }

    @Test
    void aCalledWorkflowIsAuditedWithItsCallersInputsSecretsAndPermissions() {
        String callee = "on:\n  workflow_call:\n    inputs:\n      stack: {type: string, required: true}\n"
                + "permissions:\n  contents: read\njobs:\n  preview:\n    runs-on: ubuntu-24.04\n"
                + "    environment: preview-${{ inputs.stack }}\n    permissions:\n      contents: read\n      id-token: write\n" + GATED_STEPS;
        String caller = PULL_REQUEST + "  %s:\n    permissions:\n      contents: read\n      id-token: write\n"
                + "    uses: ./.github/workflows/preview-stack.yml\n    with:\n      stack: %s\n";
        assertEquals(List.of(), audit(caller.formatted("staging", "staging"), "preview-stack.yml", callee));
        List<String> dev = audit(caller.formatted("dev", "dev"), "preview-stack.yml", callee);
        assertTrue(dev.get(0).contains("environment 'preview-dev' is not one of the pull request environments whose reviewers must approve"), dev.toString());
        List<String> chosen = audit(caller.formatted("any", "${{ github.head_ref }}"), "preview-stack.yml", callee);
        assertTrue(chosen.get(0).contains("is not one fixed name"), chosen.toString());
        List<String> inherit = audit(caller.formatted("staging", "staging") + "    secrets: inherit\n", "preview-stack.yml",
                callee.replace("environment: preview-${{ inputs.stack }}", "environment: dev"));
        assertTrue(inherit.get(0).contains("secrets: inherit (every secret)"), inherit.toString());
    }

    @Test
    void pullRequestTargetAndWorkflowRunCountOnlyWhenTheyCheckOutThePullRequest() {
        String target = "on: pull_request_target\npermissions:\n  contents: read\n  pull-requests: write\njobs:\n  label:\n"
                + "    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n"
                + "      - run: ./label.sh\n";
        assertEquals(List.of(), audit(target), "the base branch's own code");
        List<String> pwned = audit(target.replace("# v7.0.1\n", "# v7.0.1\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"));
        assertTrue(pwned.get(0).contains("(pull_request_target) runs the pull request's code and reaches pull-requests: write"), pwned.toString());
        String run = "on:\n  workflow_run:\n    workflows: [pull request]\n    types: [completed]\npermissions:\n  contents: read\n"
                + "jobs:\n  comment:\n    runs-on: ubuntu-24.04\n    permissions:\n      pull-requests: write\n    steps:\n"
                + "      - run: git fetch origin \"${{ github.event.workflow_run.head_sha }}\" && git checkout FETCH_HEAD && make\n";
        assertTrue(audit(run).get(0).contains("(workflow_run) runs the pull request's code"), audit(run).toString());
    }
}
