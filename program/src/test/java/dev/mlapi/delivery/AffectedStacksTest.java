package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlapi.config.Environment;
import java.util.List;
import org.junit.jupiter.api.Test;

class AffectedStacksTest {
    private static final List<Environment> ALL = List.of(Environment.DEV, Environment.STAGING, Environment.PRODUCTION);

    @Test
    void aStackFileAffectsItsStackOnly() {
        assertEquals(List.of(Environment.STAGING), AffectedStacks.of(List.of("Pulumi.staging.yaml", "README.md"), ALL));
    }

    @Test
    void programChangesAffectEveryStack() {
        for (String file : List.of("program/src/main/java/dev/mlapi/App.java", "component/src/main/java/dev/mlapi/components/MlApi.java",
                "pom.xml", "program/pom.xml", "component/pom.xml")) {
            assertEquals(ALL, AffectedStacks.of(List.of(file), ALL), file + ": the program is built from it");
        }
        assertEquals(ALL, AffectedStacks.of(List.of("Pulumi.yaml"), ALL));
    }

    @Test
    void theEngineAndItsPinnedToolsAffectEveryStack() {
        for (String file : List.of("tools/pulumi-kubernetes/go.mod", "tools/pulumi/go.sum", "tools/tools.txt", "lib/engine.sh", "mlapi")) {
            assertEquals(ALL, AffectedStacks.of(List.of(file), ALL), file + ": deploys run with it");
        }
        assertEquals(List.of(), AffectedStacks.of(List.of("tools/etcd/go.mod", "lib/node.sh"), ALL), "the local cluster only");
    }

    @Test
    void documentationTestsAndUnknownStacksAffectNone() {
        assertEquals(List.of(), AffectedStacks.of(List.of("docs/BRANCHING.md", "program/src/test/java/X.java", "component/src/test/java/Y.java",
                "component/CHANGELOG.md", "Pulumi.alice.yaml"), ALL));
    }

    @Test
    void onlyTheBranchsStacksArePreviewed() {
        assertEquals(List.of(Environment.DEV, Environment.STAGING),
                AffectedStacks.of(List.of("component/src/main/resources/dev/mlapi/components/defaults.yaml"), List.of(Environment.DEV, Environment.STAGING)));
        assertEquals(List.of(), AffectedStacks.of(List.of("Pulumi.production.yaml"), List.of(Environment.DEV, Environment.STAGING)));
    }
}
