package dev.mlapi.components.inputs;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** The container image of the API. */
public final class ImageArgs extends ResourceArgs {
    @Import(name = "reference", required = true)
    private Output<Output<String>> reference;
    @Import(name = "pullPolicy")
    private String pullPolicy;
    @Import(name = "pullSecrets")
    private List<String> pullSecrets;
    @Import(name = "version")
    private String version;

    private ImageArgs() {}

    /** The image to run: repository:tag or repository@sha256:digest (a digest cannot change under the same reference). An output of an image build works as it is. */
    public Output<String> reference() { return Wrapped.flat(reference); }
    /** Always, IfNotPresent or Never. */
    public String pullPolicy() { return pullPolicy; }
    /** Names of Secrets in the namespace that hold the registry's credentials. Empty when not set. */
    public List<String> pullSecrets() { return pullSecrets == null ? List.of() : pullSecrets; }
    /** The build the version label names, such as the tag a digest was taken from. Empty when not set: the reference's tag, or its digest's first 12 hex digits. */
    public Optional<String> version() { return Optional.ofNullable(version); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ImageArgs $ = new ImageArgs();

        public Builder reference(Output<String> reference) { $.reference = Wrapped.wrap(reference); return this; }
        public Builder reference(String reference) { return reference(Output.of(reference)); }
        public Builder pullPolicy(String pullPolicy) { $.pullPolicy = pullPolicy; return this; }
        public Builder pullSecrets(List<String> pullSecrets) { $.pullSecrets = pullSecrets == null ? null : List.copyOf(pullSecrets); return this; }
        public Builder pullSecrets(String... pullSecrets) { return pullSecrets(List.of(pullSecrets)); }
        public Builder version(String version) { $.version = version; return this; }

        public ImageArgs build() {
            return $;
        }
    }
}
