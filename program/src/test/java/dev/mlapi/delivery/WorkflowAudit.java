package dev.mlapi.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which jobs run a pull request's code while they can reach a credential, and whether a reviewed
 * gate stands in front of them.
 *
 * <p>A job runs the pull request's code when its workflow is triggered by {@code pull_request}
 * (GitHub then takes the workflow file itself, and every local action and reusable workflow,
 * from the pull request), or, under {@code pull_request_target} or {@code workflow_run}, when it
 * checks the pull request out. A credential is a secret other than GITHUB_TOKEN, a role (a
 * {@code vars.*ROLE*} value or a {@code role-to-assume}), an OIDC token ({@code id-token:
 * write}) or a token that writes to pull requests. The gate is both: an environment whose
 * reviewers must approve the job (the reviewed list of docs/BRANCHING.md), and every local action
 * taken from a checkout of the base branch, so the steps that hold the credential are not the
 * pull request's.
 */
final class WorkflowAudit {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern SECRET = Pattern.compile("secrets\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_-]*)|secrets\\s*\\[");
    private static final Pattern ROLE_VARIABLE = Pattern.compile("vars\\.([A-Za-z0-9_]*ROLE[A-Za-z0-9_]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("\\$\\{\\{\\s*inputs\\.([A-Za-z0-9_-]+)\\s*}}");
    private static final Pattern MATRIX = Pattern.compile("\\$\\{\\{\\s*matrix\\.([A-Za-z0-9_-]+)\\s*}}");
    /** Expressions and commands that name the pull request's own commits. */
    private static final List<String> PULL_REQUEST_CODE = List.of("github.event.pull_request.head", "github.head_ref",
            "refs/pull/", "github.event.workflow_run.head", "gh pr checkout");
    private static final Set<String> BASE_REFS = Set.of("${{ github.event.pull_request.base.sha }}",
            "${{ github.event.pull_request.base.ref }}", "${{ github.base_ref }}");
    private static final List<String> SCOPES_THAT_REACH = List.of("id-token", "pull-requests");

    private final Map<String, JsonNode> workflows;
    private final Set<String> reviewed;

    private WorkflowAudit(Map<String, JsonNode> workflows, Set<String> reviewed) {
        this.workflows = workflows;
        this.reviewed = reviewed;
    }

    /** The workflows of a folder, by file name. */
    static WorkflowAudit of(Path folder, Set<String> reviewedEnvironments) {
        Map<String, JsonNode> workflows = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).toList()) {
                workflows.put(file.getFileName().toString(), YAML.readTree(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new WorkflowAudit(workflows, reviewedEnvironments);
    }

    /** Workflows given as text, by file name. */
    static WorkflowAudit ofText(Map<String, String> workflows, Set<String> reviewedEnvironments) {
        Map<String, JsonNode> parsed = new TreeMap<>();
        workflows.forEach((file, text) -> {
            try {
                parsed.put(file, YAML.readTree(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new WorkflowAudit(parsed, reviewedEnvironments);
    }

    /** One finding a job that runs a pull request's code and reaches a credential without the gate. */
    List<String> findings() {
        List<String> findings = new ArrayList<>();
        workflows.forEach((file, root) -> {
            Set<String> triggers = triggers(root.get("on"));
            boolean pullRequest = triggers.contains("pull_request");
            boolean privileged = triggers.contains("pull_request_target") || triggers.contains("workflow_run");
            if (!pullRequest && !privileged) {
                return;
            }
            String trigger = String.join(", ", triggers);
            root.path("jobs").properties().forEach(entry -> {
                JsonNode job = entry.getValue();
                Map<String, String> permissions = effective(root.get("permissions"), job.get("permissions"), null);
                String called = job.path("uses").asText();
                if (called.startsWith("./.github/workflows/")) {
                    JsonNode callee = workflows.get(called.substring("./.github/workflows/".length()));
                    if (callee == null) {
                        findings.add(file + " job " + entry.getKey() + " calls " + called + ", which is not there to check");
                        return;
                    }
                    Map<String, String> inputs = new LinkedHashMap<>();
                    job.path("with").properties().forEach(w -> inputs.put(w.getKey(), w.getValue().asText()));
                    Set<String> passed = reach(job, Map.of());
                    callee.path("jobs").properties().forEach(c -> audit(findings, file + " job " + entry.getKey() + " -> "
                                    + called.substring(2) + " job " + c.getKey(), trigger, pullRequest, c.getValue(),
                            effective(callee.get("permissions"), c.getValue().get("permissions"), permissions), inputs, passed));
                } else {
                    audit(findings, file + " job " + entry.getKey(), trigger, pullRequest, job, permissions, Map.of(), Set.of());
                }
            });
        });
        return findings;
    }

    private void audit(List<String> findings, String label, String trigger, boolean pullRequest, JsonNode job,
                       Map<String, String> permissions, Map<String, String> inputs, Set<String> reachedByCaller) {
        if (!pullRequest && !checksOutThePullRequest(job)) {
            return;
        }
        Set<String> reach = new LinkedHashSet<>(reachedByCaller);
        reach.addAll(reach(job, permissions));
        if (reach.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>(environmentProblems(job, inputs));
        missing.addAll(localActionProblems(job, !pullRequest));
        if (!missing.isEmpty()) {
            findings.add(label + " (" + trigger + ") runs the pull request's code and reaches " + String.join(", ", reach)
                    + " without the gate: " + String.join("; ", missing));
        }
    }

    /** The credentials a job can reach: secrets, roles, and the token scopes that reach beyond reading. */
    private static Set<String> reach(JsonNode job, Map<String, String> permissions) {
        Set<String> reach = new LinkedHashSet<>();
        String text = job.toString();
        Matcher secret = SECRET.matcher(text);
        while (secret.find()) {
            if (secret.group(1) == null) {
                reach.add("secrets[...] (any secret)");
            } else if (!secret.group(1).equals("GITHUB_TOKEN")) {
                reach.add("secrets." + secret.group(1));
            }
        }
        if (job.path("secrets").asText().equals("inherit")) {
            reach.add("secrets: inherit (every secret)");
        }
        Matcher role = ROLE_VARIABLE.matcher(text);
        while (role.find()) {
            reach.add("vars." + role.group(1) + " (a role)");
        }
        for (JsonNode step : job.path("steps")) {
            if (!step.at("/with/role-to-assume").asText().isBlank() && !ROLE_VARIABLE.matcher(step.at("/with/role-to-assume").asText()).find()) {
                reach.add("role-to-assume " + step.at("/with/role-to-assume").asText());
            }
        }
        for (String scope : SCOPES_THAT_REACH) {
            if ("write".equals(permissions.get(scope))) {
                reach.add(scope + ": write");
            }
        }
        return reach;
    }

    /** Under pull_request_target or workflow_run the workflow is the base branch's; it runs the pull request only by checking it out. */
    private static boolean checksOutThePullRequest(JsonNode job) {
        for (JsonNode step : job.path("steps")) {
            String ref = step.at("/with/ref").asText() + " " + step.at("/with/repository").asText();
            boolean checkout = step.path("uses").asText().startsWith("actions/checkout@");
            String run = step.path("run").asText();
            boolean fetches = run.contains("git fetch") || run.contains("git checkout") || run.contains("gh pr checkout");
            if ((checkout && PULL_REQUEST_CODE.stream().anyMatch(ref::contains))
                    || (fetches && PULL_REQUEST_CODE.stream().anyMatch(run::contains))) {
                return true;
            }
        }
        return false;
    }

    private List<String> environmentProblems(JsonNode job, Map<String, String> inputs) {
        JsonNode environment = job.get("environment");
        if (environment == null) {
            return List.of("it names no environment, so no reviewer approves it");
        }
        String name = environment.isObject() ? environment.path("name").asText() : environment.asText();
        Matcher input = INPUT.matcher(name);
        StringBuilder resolved = new StringBuilder();
        while (input.find()) {
            String value = inputs.getOrDefault(input.group(1), "${{ inputs." + input.group(1) + " }}");
            input.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        input.appendTail(resolved);
        List<String> names = new ArrayList<>(List.of(resolved.toString()));
        Matcher matrix = MATRIX.matcher(resolved);
        if (matrix.find()) {
            JsonNode values = job.at("/strategy/matrix/" + matrix.group(1));
            if (values.isArray()) {
                names.clear();
                values.forEach(v -> names.add(resolved.toString().replace(matrix.group(), v.asText())));
            }
        }
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            if (n.contains("${{")) {
                problems.add("its environment " + n + " is not one fixed name, so a value the pull request controls can choose it");
            } else if (!reviewed.contains(n)) {
                problems.add("its environment '" + n + "' is not one of the pull request environments whose reviewers must approve " + reviewed + " (docs/BRANCHING.md)");
            }
        }
        return problems;
    }

    /** Every local action comes from a checkout of the base branch made earlier in the job. */
    private static List<String> localActionProblems(JsonNode job, boolean workflowIsTheBaseBranchs) {
        List<String> problems = new ArrayList<>();
        List<String> basePaths = new ArrayList<>();
        for (JsonNode step : job.path("steps")) {
            String uses = step.path("uses").asText();
            if (uses.startsWith("actions/checkout@")) {
                String ref = step.at("/with/ref").asText();
                if (BASE_REFS.contains(ref) || (ref.isEmpty() && workflowIsTheBaseBranchs)) {
                    basePaths.add(step.at("/with/path").asText().replaceAll("^\\./|/$", ""));
                }
            } else if (uses.startsWith("./")) {
                String path = uses.substring(2);
                if (basePaths.stream().noneMatch(base -> base.isEmpty() || path.startsWith(base + "/"))) {
                    problems.add("it runs " + uses + " from the pull request's own tree, not from a checkout of the base branch");
                }
            }
        }
        return problems;
    }

    private static Set<String> triggers(JsonNode on) {
        Set<String> triggers = new LinkedHashSet<>();
        if (on == null) {
            return triggers;
        }
        if (on.isTextual()) {
            triggers.add(on.asText());
        } else if (on.isArray()) {
            on.forEach(t -> triggers.add(t.asText()));
        } else {
            on.fieldNames().forEachRemaining(triggers::add);
        }
        return triggers;
    }

    /**
     * The token's scopes for a job: its own permissions, else its workflow's; for a job of a called
     * workflow, never more than the calling job has. Unstated permissions are the repository's
     * default, which may be write-all, so they count as write-all.
     */
    static Map<String, String> effective(JsonNode workflowPermissions, JsonNode jobPermissions, Map<String, String> caller) {
        JsonNode stated = jobPermissions != null ? jobPermissions : workflowPermissions;
        Map<String, String> scopes = new TreeMap<>();
        if (stated == null && caller != null) {
            scopes.putAll(caller);
        } else if (stated == null || stated.asText().equals("write-all")) {
            SCOPES_THAT_REACH.forEach(s -> scopes.put(s, "write"));
        } else if (stated.isObject()) {
            stated.properties().forEach(e -> scopes.put(e.getKey(), e.getValue().asText()));
        }
        if (caller != null) {
            scopes.replaceAll((scope, level) -> "write".equals(level) && "write".equals(caller.get(scope)) ? "write" : "read");
        }
        return scopes;
    }
}
