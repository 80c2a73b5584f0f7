package dev.mlapi.delivery;

import dev.mlapi.config.Environment;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The branching strategy, in one place: what a push to a branch deploys, and what a pull
 * request into a branch previews. CI asks this class (through {@code ./mlapi stacks-for}) and
 * docs/BRANCHING.md explains it.
 *
 * <p>Trunk-based with release branches: {@code main} is the one production branch and every
 * push to it walks dev, then staging, then production (behind an approval); a release branch
 * walks dev then staging and reaches production by merging into main. Everything else is
 * changed through pull requests, which preview the stacks they affect.
 */
public final class BranchPolicy {
    /** What kind of branch a name is; the strategy decides by kind. */
    public enum Kind { TRUNK, RELEASE, HOTFIX, FEATURE, REJECTED, OTHER }

    /**
     * @param deployOnPush stacks a push deploys, in the order they are deployed
     * @param previewOnPullRequest stacks a pull request into this branch may preview
     */
    public record Decision(String branch, Kind kind, List<Environment> deployOnPush,
                           List<Environment> previewOnPullRequest, String reason) {}

    private static final List<Environment> ALL = List.of(Environment.DEV, Environment.STAGING, Environment.PRODUCTION);
    private static final List<Environment> UP_TO_STAGING = List.of(Environment.DEV, Environment.STAGING);
    private static final Pattern RELEASE = Pattern.compile("^release[/-]v?\\d+\\.\\d+(\\.\\d+)?([-.][0-9A-Za-z.-]+)?$");
    private static final Pattern HOTFIX = Pattern.compile("^hotfix/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$");
    private static final Pattern FEATURE = Pattern.compile("^feature/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$");

    private BranchPolicy() {}

    public static Decision decide(String ref) {
        String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        if (branch.equals("main") || branch.equals("master")) {
            return new Decision(branch, Kind.TRUNK, ALL, ALL,
                    "the production branch" + (branch.equals("master") ? " (master is the older name of main)" : "")
                            + ": a push deploys dev, then staging, then production after approval");
        }
        if (RELEASE.matcher(branch).matches()) {
            return new Decision(branch, Kind.RELEASE, UP_TO_STAGING, UP_TO_STAGING,
                    "a release candidate: a push deploys dev, then staging; it reaches production when merged into main");
        }
        if (branch.equals("release")) {
            return rejected(branch, "a release branch names its version: release/1.4.0 (or release-1.4.0)");
        }
        if (HOTFIX.matcher(branch).matches()) {
            return new Decision(branch, Kind.HOTFIX, List.of(), List.of(),
                    "a hotfix: branch from main and open a pull request into main; it is previewed there, and merging"
                            + " takes it through dev and staging to production like any change");
        }
        if (FEATURE.matcher(branch).matches()) {
            return new Decision(branch, Kind.FEATURE, List.of(), List.of(),
                    "a feature: open a pull request into main to preview the stacks it affects");
        }
        if (branch.equals("develop")) {
            return rejected(branch, "there is no develop branch: changes integrate on main through pull requests,"
                    + " so dev always shows the next production release and never a second line of work");
        }
        if (Environment.fromId(branch).isPresent()) {
            return rejected(branch, "environments are stacks, not branches: change Pulumi." + branch
                    + ".yaml on main through a pull request, so every environment is one file on one branch");
        }
        return new Decision(branch, Kind.OTHER, List.of(), List.of(),
                "not a deploying branch: open a pull request into main to preview the stacks it affects");
    }

    private static Decision rejected(String branch, String reason) {
        return new Decision(branch, Kind.REJECTED, List.of(), List.of(), reason);
    }
}
