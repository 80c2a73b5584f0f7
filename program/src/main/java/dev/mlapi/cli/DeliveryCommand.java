package dev.mlapi.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlapi.config.Environment;
import dev.mlapi.config.InvalidConfigException;
import dev.mlapi.delivery.AffectedStacks;
import dev.mlapi.delivery.BranchPolicy;
import dev.mlapi.delivery.Promotion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery subcommands of ./mlapi, so CI and people ask the same code:
 * <pre>
 *   stacks-for BRANCH [--pull-request [--changed-files FILE|-]] [--json]
 *   promote FROM TO IMAGE_FROM_RAN
 *   check-promotion FROM TO IMAGE_FROM_RAN
 * </pre>
 */
public final class DeliveryCommand {
    private static final JsonMapper JSON = new JsonMapper();

    private DeliveryCommand() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(List.of(args), Path.of("")));
    }

    public static int run(List<String> args, Path projectDir) throws IOException {
        if (args.isEmpty()) {
            return usage();
        }
        try {
            switch (args.get(0)) {
                case "stacks-for" -> stacksFor(args.subList(1, args.size()));
                case "promote" -> {
                    requireArgs(args, 4);
                    Promotion.promote(projectDir, args.get(1), args.get(3), args.get(2));
                    System.out.println("Pulumi." + args.get(2) + ".yaml now deploys " + args.get(3));
                }
                case "check-promotion" -> {
                    requireArgs(args, 4);
                    Promotion.check(projectDir, args.get(1), args.get(3), args.get(2));
                    System.out.println(args.get(2) + " deploys " + args.get(3) + ", which " + args.get(1) + " ran");
                }
                default -> {
                    return usage();
                }
            }
            return 0;
        } catch (Promotion.PromotionException | InvalidConfigException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    private static void stacksFor(List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: stacks-for BRANCH [--pull-request [--changed-files FILE|-]] [--json]");
        }
        BranchPolicy.Decision decision = BranchPolicy.decide(args.get(0));
        boolean pullRequest = args.contains("--pull-request");
        int changedAt = args.indexOf("--changed-files");
        List<Environment> preview = decision.previewOnPullRequest();
        if (changedAt >= 0) {
            preview = AffectedStacks.of(changedFiles(args.get(changedAt + 1)), preview);
        }
        List<Environment> stacks = pullRequest ? preview : decision.deployOnPush();
        if (args.contains("--json")) {
            ObjectNode out = JSON.createObjectNode();
            out.put("branch", decision.branch());
            out.put("kind", decision.kind().name().toLowerCase());
            out.put("event", pullRequest ? "pull_request" : "push");
            stacks.forEach(s -> out.withArray("stacks").add(s.id()));
            out.withArray("stacks");
            out.put("reason", decision.reason());
            System.out.println(JSON.writeValueAsString(out));
            return;
        }
        String verb = pullRequest ? "a pull request into " + decision.branch() + " previews: " : "a push to " + decision.branch() + " deploys: ";
        System.out.println(verb + (stacks.isEmpty() ? "nothing" : String.join(" -> ", stacks.stream().map(Environment::id).toList())));
        System.out.println(decision.kind().name().toLowerCase() + ": " + decision.reason());
    }

    private static List<String> changedFiles(String source) throws IOException {
        List<String> files = new ArrayList<>();
        var reader = source.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(source));
        try (reader) {
            reader.lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(files::add);
        }
        return files;
    }

    private static void requireArgs(List<String> args, int count) {
        if (args.size() != count) {
            throw new IllegalArgumentException("usage: " + args.get(0) + " FROM TO IMAGE_FROM_RAN");
        }
    }

    private static int usage() {
        System.err.println("usage: stacks-for BRANCH [--pull-request [--changed-files FILE|-]] [--json]"
                + " | promote FROM TO IMAGE_FROM_RAN | check-promotion FROM TO IMAGE_FROM_RAN");
        return 2;
    }
}
