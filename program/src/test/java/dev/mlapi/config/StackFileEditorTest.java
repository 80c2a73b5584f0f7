package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one stack-file editor, as an import and a promotion use it: only the lines they set change. */
class StackFileEditorTest {
    // As the import writes: no document marker, quotes only where YAML needs them.
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build();
    private static final String FILE = """
            # staging
            config:
              mlapi:name: sentiment-api # the app
              mlapi:image:
                repository: ghcr.io/acme/sentiment-api
                # a release tag until promotion pins a digest
                tag: "1.4.2"
                pullPolicy: IfNotPresent
              mlapi:token:
                secure: v1:abc
            encryptionsalt: v1:salt
            """;

    @Test
    void fieldsOfABlockAreSetInPlaceAndTheRestStays() {
        String after = StackFileEditor.withFields(FILE, "image", Map.of("digest", "sha256:abc"), Set.of("tag"), "repository");

        assertEquals(FILE.replace("    tag: \"1.4.2\"\n", "").replace("sentiment-api\n    # a", "sentiment-api\n    digest: sha256:abc\n    # a"), after);
        assertEquals(after.replace("sha256:abc", "sha256:def"),
                StackFileEditor.withFields(after, "image", Map.of("digest", "sha256:def"), Set.of("tag"), "repository"));
    }

    @Test
    void keysAreReplacedOrAddedAndTheRestStays() throws Exception {
        JsonNode image = YAML.readTree("{repository: ghcr.io/acme/other, tag: \"2.0.0\"}");
        JsonNode replicas = YAML.readTree("3");

        String after = StackFileEditor.withKeys(FILE, new java.util.LinkedHashMap<>(Map.of("image", image)), YAML);
        after = StackFileEditor.withKeys(after, Map.of("replicas", replicas), YAML);

        assertEquals("""
                # staging
                config:
                  mlapi:name: sentiment-api # the app
                  mlapi:image:
                    repository: ghcr.io/acme/other
                    tag: 2.0.0
                  mlapi:token:
                    secure: v1:abc
                  mlapi:replicas: 3
                encryptionsalt: v1:salt
                """, after);
    }

    @Test
    void aKeyThatIsNoBlockOfFieldsIsRefused() {
        assertEquals(StackFileEditor.Refusal.NO_BLOCK, assertThrows(StackFileEditor.NotEditable.class,
                () -> StackFileEditor.withFields(FILE, "probes", Map.of("periodSeconds", "5"), Set.of(), "startupPath")).refusal());
        assertEquals(StackFileEditor.Refusal.ONE_LINE, assertThrows(StackFileEditor.NotEditable.class,
                () -> StackFileEditor.withFields(FILE, "name", Map.of("x", "y"), Set.of(), "repository")).refusal());
        assertEquals(StackFileEditor.Refusal.NO_ANCHOR, assertThrows(StackFileEditor.NotEditable.class,
                () -> StackFileEditor.withFields(FILE, "image", Map.of("digest", "sha256:abc"), Set.of(), "registry")).refusal());
    }
}
