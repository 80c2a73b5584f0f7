package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/** How the loader uses its source: each stated key read once, nothing else asked for. */
@ExtendWith(MockitoExtension.class)
class StackConfigLoaderTest {
    @Mock
    ConfigSource source;

    @Test
    void readsEachStatedKeyOnceAndAppliesTheEnvironmentDefaults() {
        when(source.stack()).thenReturn("staging");
        when(source.keys()).thenReturn(Set.of("name", "image", "replicas"));
        when(source.get("name")).thenReturn(Optional.of("fraud-scorer"));
        when(source.get("image")).thenReturn(Optional.of("{\"repository\":\"registry.example.com/ml/fraud\",\"tag\":\"v2.0.0\"}"));
        when(source.get("replicas")).thenReturn(Optional.of("3"));

        MlApiConfig config = StackConfigLoader.load(source);

        verify(source, times(1)).get("name");
        verify(source, times(1)).get("image");
        verify(source, times(1)).get("replicas");
        verify(source, never()).get("resources");
        assertEquals(Environment.STAGING, config.environment());
        assertEquals(3, config.replicas());
        assertEquals("registry.example.com/ml/fraud:v2.0.0", config.image().reference());
        // Staging defaults, not stated: resources, a disruption budget, no autoscaling, derived names.
        assertEquals("500m", config.resources().requests().cpu());
        assertTrue(config.disruptionBudget().enabled());
        assertFalse(config.autoscaling().enabled());
        assertEquals("fraud-scorer-staging", config.namespace().name());
        assertEquals("fraud-scorer", config.serviceAccount().name());
        assertNull(config.modelCache());
    }

    @Test
    void anExplicitEnvironmentLetsAnyStackNameWork() {
        when(source.stack()).thenReturn("alice-sandbox");
        when(source.keys()).thenReturn(Set.of("name", "image", "environment"));
        when(source.get(anyString())).thenAnswer(call -> Optional.of(switch ((String) call.getArgument(0)) {
            case "name" -> "fraud-scorer";
            case "environment" -> "dev";
            default -> "{\"repository\":\"registry.example.com/ml/fraud\",\"tag\":\"latest\"}";
        }));

        MlApiConfig config = StackConfigLoader.load(source);

        assertEquals(Environment.DEV, config.environment());
        assertEquals(1, config.replicas());
    }
}
