package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {
    @ParameterizedTest
    @CsvSource({
            "500m, 0.5", "1, 1", "2.5, 2.5", "100m, 0.1",
            "512Mi, 536870912", "1Gi, 1073741824", "1G, 1000000000", "128974848, 128974848",
            "129e6, 129000000", "1E, 1000000000000000000", "1Ei, 1152921504606846976", "1k, 1000", "1Ki, 1024"})
    void parsesKubernetesQuantities(String text, String expected) {
        assertEquals(0, new BigDecimal(expected).compareTo(Quantity.parse(text).orElseThrow()), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"one", "512MB", "1.5.2", "-1", "1 Gi", "Gi", "", "0x10"})
    void rejectsWhatKubernetesRejects(String text) {
        assertTrue(Quantity.parse(text).isEmpty(), text);
    }
}
