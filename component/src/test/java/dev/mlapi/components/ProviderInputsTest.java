package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.core.Output;
import com.pulumi.core.internal.Internal;
import com.pulumi.core.internal.OutputData;
import com.pulumi.provider.internal.properties.PropertyValue;
import com.pulumi.provider.internal.properties.PropertyValueSerializer;
import dev.mlapi.components.inputs.SecretArgs;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the package's provider hands MlApi for a Python or YAML program's values, as the SDK's
 * serializer reads them into the args: a secret, which arrives as an output inside a secret, and
 * a value another resource gives, an output with its dependencies, both read as the value itself,
 * still secret.
 */
class ProviderInputsTest {
    private static OutputData<String> value(PropertyValue sent) throws Exception {
        SecretArgs args = PropertyValueSerializer.deserialize(
                PropertyValue.of(Map.of("name", PropertyValue.of("api-token"), "value", sent)), SecretArgs.class);
        Output<String> value = args.value().orElseThrow();
        return Internal.of(value).getDataAsync().get();
    }

    @Test
    void aSecretArrivesAsItsValueAndStaysSecret() throws Exception {
        PropertyValue secret = PropertyValue.ofSecret(PropertyValue.of(new PropertyValue.OutputReference(PropertyValue.of("s3cret"), Set.of())));
        OutputData<String> data = value(secret);
        assertEquals("s3cret", data.getValueNullable());
        assertTrue(data.isSecret());
    }

    @Test
    void anOutputOfAnotherResourceAndAPlainValueArriveAsTheirValues() throws Exception {
        assertEquals("v1", value(PropertyValue.of(new PropertyValue.OutputReference(PropertyValue.of("v1"), Set.of("urn:pulumi:s::p::t::r")))).getValueNullable());
        assertEquals("v2", value(PropertyValue.of("v2")).getValueNullable());
    }
}
