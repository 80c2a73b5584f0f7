package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** Where downloaded model weights are kept: a sized node-local folder, or an existing claim. */
public final class ModelCacheArgs extends ResourceArgs {
    @Import(name = "mountPath", required = true)
    private String mountPath;
    @Import(name = "sizeLimit")
    private String sizeLimit;
    @Import(name = "existingClaim")
    private String existingClaim;
    @Import(name = "readOnly")
    private Boolean readOnly;

    private ModelCacheArgs() {}

    /** The folder in the container. */
    public String mountPath() { return mountPath; }
    /** The size of a node-local emptyDir; or else existingClaim. */
    public Optional<String> sizeLimit() { return Optional.ofNullable(sizeLimit); }
    /** An existing PersistentVolumeClaim in the namespace; or else sizeLimit. */
    public Optional<String> existingClaim() { return Optional.ofNullable(existingClaim); }
    /** Mount the claim read-only (weights prepared beforehand). */
    public Optional<Boolean> readOnly() { return Optional.ofNullable(readOnly); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ModelCacheArgs $ = new ModelCacheArgs();

        public Builder mountPath(String mountPath) { $.mountPath = mountPath; return this; }
        public Builder sizeLimit(String sizeLimit) { $.sizeLimit = sizeLimit; return this; }
        public Builder existingClaim(String existingClaim) { $.existingClaim = existingClaim; return this; }
        public Builder readOnly(Boolean readOnly) { $.readOnly = readOnly; return this; }

        public ModelCacheArgs build() {
            return $;
        }
    }
}
