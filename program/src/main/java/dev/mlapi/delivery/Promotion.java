package dev.mlapi.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import dev.mlapi.config.StackFileEditor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Image promotion by digest: the next stack gets exactly the image the previous one ran, so
 * what reaches production is byte for byte what staging tested. The stack file is edited in
 * place, keeping its comments and layout; only {@code mlapi:image} changes.
 */
public final class Promotion {
    private static final Pattern DIGEST_REFERENCE = Pattern.compile("^(.+)@(sha256:[0-9a-f]{64})$");
    private static final YAMLMapper YAML = new YAMLMapper();

    private Promotion() {}

    /** Thrown when a promotion would not be byte for byte what the previous stack ran. */
    public static final class PromotionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PromotionException(String message) {
            super(message);
        }
    }

    /** The image reference a stack file deploys, with the environment defaults applied. */
    public static String configuredImage(Path projectDir, String stack) {
        MlApiConfig config = StackConfigLoader.load(StackFile.read(projectDir, stack).source(ciphertext -> "promotion-check"));
        return config.image().reference();
    }

    /** Fails unless {@code to} is configured to run exactly the image {@code from} ran. */
    public static void check(Path projectDir, String from, String deployedByFrom, String to) {
        String configured = configuredImage(projectDir, to);
        if (!configured.equals(deployedByFrom)) {
            throw new PromotionException(to + " would deploy " + configured + ", but " + from + " ran " + deployedByFrom
                    + "; promote with: ./mlapi promote " + from + " " + to);
        }
    }

    /** Points {@code to}'s stack file at the digest {@code from} ran. */
    public static void promote(Path projectDir, String from, String deployedByFrom, String to) throws IOException {
        Matcher reference = DIGEST_REFERENCE.matcher(deployedByFrom);
        if (!reference.matches()) {
            throw new PromotionException(from + " ran " + deployedByFrom + ", which is not pinned by digest;"
                    + " only a digest can be promoted, so pin " + from + " with mlapi:image.digest first");
        }
        Path file = StackFile.path(projectDir, to);
        String before = Files.readString(file);
        JsonNode beforeTree = YAML.readTree(before);
        String repository = beforeTree.at("/config/mlapi:image/repository").asText();
        if (!repository.equals(reference.group(1))) {
            throw new PromotionException(from + " ran an image from " + reference.group(1) + ", but " + to + " pulls from "
                    + repository + "; copy the image to that repository and promote its digest");
        }
        String after = withDigest(before, reference.group(2), to);
        ObjectNode expected = (ObjectNode) beforeTree.deepCopy();
        ObjectNode image = (ObjectNode) expected.at("/config/mlapi:image");
        image.remove("tag");
        image.put("digest", reference.group(2));
        if (!YAML.readTree(after).equals(expected)) {
            throw new IllegalStateException("editing " + file + " changed more than mlapi:image; it is left as it was");
        }
        Files.writeString(file, after);
    }

    /** The file with the image block's tag removed and its digest set. */
    private static String withDigest(String text, String digest, String stack) {
        try {
            return StackFileEditor.withFields(text, "image", Map.of("digest", digest), Set.of("tag"), "repository");
        } catch (StackFileEditor.NotEditable e) {
            throw new PromotionException("Pulumi." + stack + ".yaml " + switch (e.refusal()) {
                case NO_BLOCK -> "has no mlapi:image block";
                case ONE_LINE -> "writes mlapi:image on one line; write it as a block to promote into it";
                case NO_ANCHOR -> "has no mlapi:image.repository";
            });
        }
    }
}
