package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** The namespace the API lives in. */
public final class NamespaceArgs extends ResourceArgs {
    @Import(name = "name")
    private String name;
    @Import(name = "create")
    private Boolean create;

    private NamespaceArgs() {}

    /** The namespace's name, a DNS label. Default: the component's name, a dash and the environment (sentiment-api-dev). */
    public Optional<String> name() { return Optional.ofNullable(name); }
    /** Whether the component creates the namespace, with the restricted Pod Security level enforced; false takes an existing one as it is. */
    public Boolean create() { return create; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final NamespaceArgs $ = new NamespaceArgs();

        public Builder name(String name) { $.name = name; return this; }
        public Builder create(Boolean create) { $.create = create; return this; }

        public NamespaceArgs build() {
            return $;
        }
    }
}
