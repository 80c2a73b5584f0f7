package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KubernetesNamesTest {
    @Test
    void shortNamesAreJoinedAsTheyAre() {
        assertEquals("sentiment-api-dev", KubernetesNames.join(63, "sentiment-api", "dev"));
    }

    @Test
    void longNamesAreCutWithAStableHashAndStayDistinct() {
        String base = "a-very-long-model-serving-api-name-that-a-team-chose-for-clarity";
        String a = KubernetesNames.join(63, base, "test-1234abcd");
        String b = KubernetesNames.join(63, base + "-v2", "test-1234abcd");
        assertTrue(a.length() <= 63 && b.length() <= 63, a + " / " + b);
        assertTrue(KubernetesNames.isDnsLabel(a), a);
        assertTrue(a.contains("-test-1234abcd-"), "the suffix that says what the object is survives: " + a);
        assertNotEquals(a, b);
        assertEquals(a, KubernetesNames.join(63, base, "test-1234abcd"));
    }

    @Test
    void labelValuesAreCleanedAndCut() {
        assertEquals("1.4.2", KubernetesNames.labelValue("1.4.2"));
        assertEquals("feature_x", KubernetesNames.labelValue("feature/x"));
        assertTrue(KubernetesNames.isLabelValue(KubernetesNames.labelValue("-" + "x".repeat(80) + "-")));
    }

    @Test
    void knowsDnsLabelsFromSubdomainsAndQualifiedNames() {
        assertTrue(KubernetesNames.isDnsLabel("sentiment-api"));
        assertFalse(KubernetesNames.isDnsLabel("Sentiment"));
        assertFalse(KubernetesNames.isDnsLabel("ml.team"));
        assertTrue(KubernetesNames.isDnsSubdomain("ml.team"));
        assertTrue(KubernetesNames.isQualifiedName("prometheus.io/scrape"));
        assertTrue(KubernetesNames.isQualifiedName("eks.amazonaws.com/role-arn"));
        assertFalse(KubernetesNames.isQualifiedName("bad key"));
    }
}
