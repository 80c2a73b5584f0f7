package dev.mlapi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mlapi.recovery.PendingOperations;
import dev.mlapi.recovery.StackLocks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * What ./mlapi runs before the engine, so that a run killed at any point leaves nothing that
 * stops the next one (lib/recover.sh):
 * <ul>
 *   <li>{@code locks <backend folder> <project> <stack>}: clears the stack's stale locks in a
 *       file backend, and says which (and which live ones stay);</li>
 *   <li>{@code pending <up|refresh|destroy> <stack export file> <folder>}: prints the flags of
 *       the refresh that resolves the export's pending operations (nothing when there are none),
 *       writes into the folder the objects to delete first (delete.json, a kubectl List) and
 *       the objects an up takes over (adopt-N.json, one each), and says why.</li>
 * </ul>
 */
public final class RecoveryCommand {
    private static final JsonMapper JSON = new JsonMapper();

    private RecoveryCommand() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("locks")) {
            locks(Path.of(args[1]), args[2], args[3]);
        } else if (args.length == 4 && args[0].equals("pending")) {
            pending(PendingOperations.Verb.valueOf(args[1].toUpperCase(Locale.ROOT)), Path.of(args[2]), Path.of(args[3]));
        } else {
            System.err.println("usage: recover locks <backend folder> <project> <stack>"
                    + " | recover pending <up|refresh|destroy> <stack export> <folder>");
            System.exit(2);
        }
    }

    private static void locks(Path backend, String project, String stack) {
        var locks = new StackLocks(StackLocks.local(), StackLocks.localHostname(), Instant.now());
        for (StackLocks.Finding finding : locks.inspect(StackLocks.lockDirs(backend, project, stack))) {
            if (finding.state() == StackLocks.State.STALE) {
                StackLocks.clear(finding);
                System.err.println("recover: cleared the lock on stack " + stack + " " + finding.description() + ": " + finding.file());
            } else {
                System.err.println("recover: stack " + stack + " is locked: " + finding.description() + ": " + finding.file());
            }
        }
    }

    private static void pending(PendingOperations.Verb verb, Path export, Path folder) throws IOException {
        JsonNode deployment = JSON.readTree(export.toFile());
        PendingOperations.Plan plan = PendingOperations.plan(deployment, verb);
        if (plan.nothingToDo()) {
            return;
        }
        System.err.println("recover: the last run on this stack was killed with " + plan.report().size()
                + " operation(s) in flight (pending operations in its state):");
        plan.report().forEach(line -> System.err.println("  " + line));
        if (!plan.deletions().isEmpty()) {
            JSON.writeValue(folder.resolve("delete.json").toFile(), Map.of("apiVersion", "v1", "kind", "List", "items", plan.deletions()));
        }
        for (int i = 0; i < plan.adoptions().size(); i++) {
            JSON.writeValue(folder.resolve("adopt-" + i + ".json").toFile(), plan.adoptions().get(i));
        }
        System.out.println(String.join(" ", plan.refreshFlags()));
    }
}
