package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** The identity the pods run as. */
public final class ServiceAccountArgs extends ResourceArgs {
    @Import(name = "create")
    private Boolean create;
    @Import(name = "name")
    private String name;
    @Import(name = "annotations")
    private List<NamedValueArgs> annotations;
    @Import(name = "automountToken")
    private Boolean automountToken;

    private ServiceAccountArgs() {}

    /** Whether the component creates it; false uses an existing one by name. */
    public Boolean create() { return create; }
    /** Its name. Default: the component's name. */
    public Optional<String> name() { return Optional.ofNullable(name); }
    /** Annotations, such as a cloud role for the pods. Empty when not set. */
    public List<NamedValueArgs> annotations() { return annotations == null ? List.of() : annotations; }
    /** Whether the pods get a Kubernetes API token. */
    public Boolean automountToken() { return automountToken; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ServiceAccountArgs $ = new ServiceAccountArgs();

        public Builder create(Boolean create) { $.create = create; return this; }
        public Builder name(String name) { $.name = name; return this; }
        public Builder annotations(List<NamedValueArgs> annotations) { $.annotations = annotations == null ? null : List.copyOf(annotations); return this; }
        public Builder annotations(NamedValueArgs... annotations) { return annotations(List.of(annotations)); }
        public Builder automountToken(Boolean automountToken) { $.automountToken = automountToken; return this; }

        public ServiceAccountArgs build() {
            return $;
        }
    }
}
