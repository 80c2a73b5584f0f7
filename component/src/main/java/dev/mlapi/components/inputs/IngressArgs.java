package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** An Ingress that exposes the Service on a host name. */
public final class IngressArgs extends ResourceArgs {
    @Import(name = "enabled")
    private Boolean enabled;
    @Import(name = "className")
    private String className;
    @Import(name = "host")
    private String host;
    @Import(name = "path")
    private String path;
    @Import(name = "tlsSecret")
    private String tlsSecret;
    @Import(name = "annotations")
    private List<NamedValueArgs> annotations;

    private IngressArgs() {}

    /** Whether an Ingress is created. */
    public Boolean enabled() { return enabled; }
    /** The IngressClass; default: the cluster's default class. */
    public Optional<String> className() { return Optional.ofNullable(className); }
    /** The host name (a leading *. for a wildcard). */
    public Optional<String> host() { return Optional.ofNullable(host); }
    /** The path prefix routed to the API. */
    public String path() { return path; }
    /** The Secret with the TLS certificate of the host. */
    public Optional<String> tlsSecret() { return Optional.ofNullable(tlsSecret); }
    /** Annotations for the ingress controller. Empty when not set. */
    public List<NamedValueArgs> annotations() { return annotations == null ? List.of() : annotations; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final IngressArgs $ = new IngressArgs();

        public Builder enabled(Boolean enabled) { $.enabled = enabled; return this; }
        public Builder className(String className) { $.className = className; return this; }
        public Builder host(String host) { $.host = host; return this; }
        public Builder path(String path) { $.path = path; return this; }
        public Builder tlsSecret(String tlsSecret) { $.tlsSecret = tlsSecret; return this; }
        public Builder annotations(List<NamedValueArgs> annotations) { $.annotations = annotations == null ? null : List.copyOf(annotations); return this; }
        public Builder annotations(NamedValueArgs... annotations) { return annotations(List.of(annotations)); }

        public IngressArgs build() {
            return $;
        }
    }
}
