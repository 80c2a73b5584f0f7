package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stack-file values as the pinned Pulumi CLI (v3.274.1, Go yaml.v3) hands them to the program.
 * The expected JSON is what {@code pulumi config --json} printed for the same documents.
 */
class EngineYamlTest {
    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void scalarsResolveAsTheCliResolvesThem() throws Exception {
        String document = """
                q:
                  x: yes
                  y: 0755
                  z: 1.0
                  w: 1e3
                  v: on
                  u: null
                  t: 0x1F
                  r: 1_000
                  o: "1.10"
                  n: 1.10
                  m: ~
                  l: 0o755
                  k: 08
                  j: +12
                  i: True
                  h: 1.5e3
                  g: 1.0e+3
                  f: -0
                  e: 3.0
                """;
        String cli = "{\"e\":3,\"f\":0,\"g\":1000,\"h\":1500,\"i\":true,\"j\":12,\"k\":8,\"l\":493,\"m\":null,\"n\":1.1,"
                + "\"o\":\"1.10\",\"r\":1000,\"t\":31,\"u\":null,\"v\":\"on\",\"w\":1000,\"x\":\"yes\",\"y\":493,\"z\":1}";
        assertEquals(JSON.readTree(cli), EngineYaml.read(document).tree().get("q"));
    }

    @Test
    void aliasesAndMergeKeysResolveAsTheCliResolvesThem() throws Exception {
        String document = """
                x: &a {A: 1}
                y: &b {B: 2, A: 3}
                labels:
                  <<: [*a, *b]
                  C: y
                env: &e {A: x, B: z}
                podLabels:
                  <<: *e
                  B: y
                copy: *e
                """;
        var tree = EngineYaml.read(document).tree();
        assertEquals(JSON.readTree("{\"A\":1,\"B\":2,\"C\":\"y\"}"), tree.get("labels"));
        assertEquals(JSON.readTree("{\"A\":\"x\",\"B\":\"y\"}"), tree.get("podLabels"));
        assertEquals(JSON.readTree("{\"A\":\"x\",\"B\":\"z\"}"), tree.get("copy"));
    }

    @Test
    void aKeyStatedTwiceIsRefusedLikeTheCli() {
        // pulumi: yaml: unmarshal errors: line 3: mapping key "key" already defined at line 3
        var refused = assertThrows(EngineYaml.Refused.class, () -> EngineYaml.read("config:\n  t:\n    - {key: a, key: b}\n"));
        assertEquals("mapping key \"key\" already defined at line 3", refused.getMessage());
        assertEquals(3, refused.line);
    }

    @Test
    void remembersTheWrittenTextOfScalarsPassedOnAsOtherText() {
        var read = EngineYaml.read("a: {tag: 0755, n: 3, ok: \"0755\", f: 1.0, d: 2024-01-02, b: on}\n");
        assertEquals(Map.of("/a/tag", "0755", "/a/f", "1.0", "/a/d", "2024-01-02"), read.rewritten());
        // pulumi config --json: "2024-01-02 00:00:00 +0000 UTC" (Go's time.String)
        assertEquals("2024-01-02 00:00:00 +0000 UTC", read.tree().at("/a/d").asText());
    }
}
