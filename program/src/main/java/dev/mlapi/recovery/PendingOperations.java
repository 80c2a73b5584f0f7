package dev.mlapi.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to do with the operations a killed run left in flight ({@code pending_operations} in
 * {@code pulumi stack export}), per kind, given how the pinned CLI treats them (pkg/v3 backend/
 * snapshot.go, cmd/pulumi/operations/refresh.go): the next operation of any kind drops pending
 * updates, deletes, reads and imports by itself, but carries pending creates forever, and a
 * non-interactive refresh only clears them with {@code --clear-pending-creates}.
 * {@code --import-pending-creates} turns one into a pending import, which the same refresh then
 * drops: in this CLI it records nothing, so it is not used.
 * <ul>
 *   <li>An interrupted create may have made its object. The Kubernetes provider creates by
 *       server-side apply, which takes an existing object of the same name over, so clearing
 *       the create and applying it again converges with no duplicate, for every object the
 *       program names. An auto-named object would come back under a new random name: the one the
 *       killed run may have made is deleted first (nothing refers to it yet: its dependents wait
 *       for its create). A destroy deletes every object an interrupted create may have made,
 *       since the cleared create leaves it outside the state.</li>
 *   <li>An object taken over that way keeps the killed run's field manager (each create picks a
 *       new random one) beside the next run's, as co-owner of every field: a later change of one
 *       would conflict with it. Once an up has applied the object, that manager is removed.</li>
 *   <li>An interrupted update or delete left the state as it was before: a refresh reads the
 *       object back from the cluster (a delete that went through removes it from the state) and
 *       the run then applies the change again.</li>
 * </ul>
 */
public final class PendingOperations {
    private static final String AUTONAMED = "pulumi.com/autonamed";

    public enum Verb { UP, REFRESH, DESTROY }

    /**
     * The refresh to run (empty flags: nothing was in flight), the objects to delete first if they
     * exist, the objects an up takes over (whose killed run's field manager goes after it), and a
     * line per operation for the user.
     */
    public record Plan(List<String> refreshFlags, List<Map<String, Object>> deletions, List<Map<String, Object>> adoptions,
                List<String> report) {
        public boolean nothingToDo() {
            return report.isEmpty();
        }
    }

    private PendingOperations() {}

    public static Plan plan(JsonNode export, Verb verb) {
        List<String> report = new ArrayList<>();
        List<Map<String, Object>> deletions = new ArrayList<>();
        List<Map<String, Object>> adoptions = new ArrayList<>();
        boolean creates = false;
        for (JsonNode op : export.path("deployment").path("pending_operations")) {
            JsonNode resource = op.path("resource");
            String kind = op.path("type").asText();
            String what = describe(resource);
            if (!kind.equals("creating")) {
                report.add(kind + " " + what + ": read back from the cluster by the refresh; "
                        + (verb == Verb.DESTROY ? "this destroy deletes it" : "an up applies the change again"));
                continue;
            }
            creates = true;
            JsonNode metadata = resource.path("inputs").path("metadata");
            String type = resource.path("type").asText();
            if (!resource.path("custom").asBoolean() || type.startsWith("pulumi:providers:")) {
                report.add("creating " + what + ": a component or provider, nothing outside the state; cleared");
            } else if (!type.startsWith("kubernetes:") || !metadata.path("name").isTextual()) {
                report.add("creating " + what + ": cleared; check whether the interrupted create made it, and delete it"
                        + " (or pulumi import it) if so: the state no longer knows it");
            } else if (verb == Verb.DESTROY || metadata.path("annotations").path(AUTONAMED).asText().equals("true")) {
                deletions.add(reference(resource.path("inputs"), metadata));
                report.add("creating " + what + ": " + objectName(metadata) + " deleted if the interrupted create made it"
                        + (verb == Verb.DESTROY ? "" : " (auto-named: an up makes it anew under a new name, and nothing refers to this one yet)")
                        + "; cleared");
            } else {
                adoptions.add(reference(resource.path("inputs"), metadata));
                report.add("creating " + what + ": cleared; an up applies it again, and server-side apply takes "
                        + objectName(metadata) + " over if the interrupted create made it");
            }
        }
        List<String> flags = report.isEmpty() ? List.of()
                : List.of(creates ? "--clear-pending-creates" : "--skip-pending-creates");
        return new Plan(flags, deletions, adoptions, report);
    }

    private static String describe(JsonNode resource) {
        String urn = resource.path("urn").asText();
        return resource.path("type").asText() + " " + urn.substring(urn.lastIndexOf("::") + 2);
    }

    private static String objectName(JsonNode metadata) {
        String namespace = metadata.path("namespace").asText("");
        return (namespace.isEmpty() ? "" : namespace + "/") + metadata.path("name").asText();
    }

    /** Just enough of the object for kubectl to find it. */
    private static Map<String, Object> reference(JsonNode inputs, JsonNode metadata) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", metadata.path("name").asText());
        if (metadata.path("namespace").isTextual()) {
            meta.put("namespace", metadata.path("namespace").asText());
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", inputs.path("apiVersion").asText());
        object.put("kind", inputs.path("kind").asText());
        object.put("metadata", meta);
        return object;
    }
}
