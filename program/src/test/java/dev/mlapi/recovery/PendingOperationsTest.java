package dev.mlapi.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The refresh flags and deletions chosen per kind of operation a killed run left in flight. */
class PendingOperationsTest {
    private static final JsonMapper JSON = new JsonMapper();
    private static final String PREFIX = "urn:pulumi:staging::mlapi::mlapi:index:MlApi$";

    private static String op(String kind, String type, String name, String metadata) {
        return "{\"type\":\"" + kind + "\",\"resource\":{\"urn\":\"" + PREFIX + type + "::" + name + "\",\"custom\":true,\"type\":\""
                + type + "\",\"inputs\":{\"apiVersion\":\"v1\",\"kind\":\"" + type.substring(type.lastIndexOf(':') + 1)
                + "\",\"metadata\":" + metadata + "}}}";
    }

    private static JsonNode export(String... ops) throws Exception {
        return JSON.readTree("{\"version\":3,\"deployment\":{\"manifest\":{},\"resources\":[]"
                + (ops.length == 0 ? "" : ",\"pending_operations\":[" + String.join(",", ops) + "]") + "}}");
    }

    private static final String SERVICE = op("creating", "kubernetes:core/v1:Service", "sentiment-api",
            "{\"name\":\"sentiment-api\",\"namespace\":\"sentiment-api-staging\"}");
    private static final String SECRET = op("creating", "kubernetes:core/v1:Secret", "sentiment-api-token",
            "{\"annotations\":{\"pulumi.com/autonamed\":\"true\"},\"name\":\"sentiment-api-token-1a2b3c4d\",\"namespace\":\"sentiment-api-staging\"}");
    private static final String DEPLOYMENT = op("updating", "kubernetes:apps/v1:Deployment", "sentiment-api",
            "{\"name\":\"sentiment-api\",\"namespace\":\"sentiment-api-staging\"}");

    @Test
    void nothingInFlightMeansNoRefresh() throws Exception {
        PendingOperations.Plan plan = PendingOperations.plan(export(), PendingOperations.Verb.UP);
        assertTrue(plan.nothingToDo());
        assertEquals(List.of(), plan.refreshFlags());
    }

    @Test
    void updatesAndDeletesAreReadBackByARefreshThatLeavesCreatesAlone() throws Exception {
        PendingOperations.Plan plan = PendingOperations.plan(export(DEPLOYMENT,
                op("deleting", "kubernetes:batch/v1:Job", "sentiment-api-test-1", "{\"name\":\"t\"}")), PendingOperations.Verb.UP);
        assertEquals(List.of("--skip-pending-creates"), plan.refreshFlags());
        assertEquals(List.of(), plan.deletions());
        assertEquals(2, plan.report().size());
        assertTrue(plan.report().get(0).startsWith("updating kubernetes:apps/v1:Deployment sentiment-api: read back"), plan.report().get(0));
    }

    @Test
    void aNamedObjectsCreateIsClearedForServerSideApplyToTakeOver() throws Exception {
        PendingOperations.Plan plan = PendingOperations.plan(export(SERVICE, DEPLOYMENT), PendingOperations.Verb.UP);
        assertEquals(List.of("--clear-pending-creates"), plan.refreshFlags());
        assertEquals(List.of(), plan.deletions());
        assertEquals(List.of(Map.of("apiVersion", "v1", "kind", "Service",
                "metadata", Map.of("name", "sentiment-api", "namespace", "sentiment-api-staging"))), plan.adoptions());
        assertTrue(plan.report().get(0).contains("server-side apply takes sentiment-api-staging/sentiment-api over"), plan.report().get(0));
    }

    @Test
    void anAutoNamedObjectTheKilledRunMayHaveMadeIsDeletedSoThatNoCopyIsLeft() throws Exception {
        PendingOperations.Plan plan = PendingOperations.plan(export(SECRET, SERVICE), PendingOperations.Verb.UP);
        assertEquals(List.of("--clear-pending-creates"), plan.refreshFlags());
        assertEquals(List.of(Map.of("apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", "sentiment-api-token-1a2b3c4d", "namespace", "sentiment-api-staging"))), plan.deletions());
    }

    @Test
    void aDestroyDeletesEveryObjectAnInterruptedCreateMayHaveMade() throws Exception {
        PendingOperations.Plan plan = PendingOperations.plan(export(SECRET, SERVICE, DEPLOYMENT), PendingOperations.Verb.DESTROY);
        assertEquals(2, plan.deletions().size());
        assertEquals(List.of(), plan.adoptions());
        assertTrue(plan.report().get(2).endsWith("this destroy deletes it"), plan.report().get(2));
    }

    @Test
    void aCreateOutsideTheClusterIsClearedWithWhatToCheck() throws Exception {
        String role = "{\"type\":\"creating\",\"resource\":{\"urn\":\"" + PREFIX + "aws:iam/role:Role::sentiment-api\",\"custom\":true,\"type\":\"aws:iam/role:Role\","
                + "\"inputs\":{\"name\":\"sentiment-api-9f8e7d\"}}}";
        String provider = "{\"type\":\"creating\",\"resource\":{\"urn\":\"urn:pulumi:staging::mlapi::pulumi:providers:kubernetes::default\","
                + "\"custom\":true,\"type\":\"pulumi:providers:kubernetes\"}}";
        String component = "{\"type\":\"creating\",\"resource\":{\"urn\":\"urn:pulumi:staging::mlapi::mlapi:index:MlApi::sentiment-api\","
                + "\"type\":\"mlapi:index:MlApi\"}}";
        PendingOperations.Plan plan = PendingOperations.plan(export(role, provider, component), PendingOperations.Verb.UP);
        assertEquals(List.of("--clear-pending-creates"), plan.refreshFlags());
        assertEquals(List.of(), plan.deletions());
        assertTrue(plan.report().get(0).contains("check whether the interrupted create made it"), plan.report().get(0));
        assertTrue(plan.report().get(1).contains("a component or provider, nothing outside the state"), plan.report().get(1));
        assertTrue(plan.report().get(2).contains("a component or provider, nothing outside the state"), plan.report().get(2));
    }
}
