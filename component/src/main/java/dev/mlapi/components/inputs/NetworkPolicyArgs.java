package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;

/** Who may reach the API: pods of its namespace, and the namespaces listed. */
public final class NetworkPolicyArgs extends ResourceArgs {
    @Import(name = "enabled")
    private Boolean enabled;
    @Import(name = "allowFromNamespaces")
    private List<String> allowFromNamespaces;

    private NetworkPolicyArgs() {}

    /** Whether a NetworkPolicy is created. */
    public Boolean enabled() { return enabled; }
    /** Other namespaces let in (the ingress controller's, a monitoring one). Empty when not set. */
    public List<String> allowFromNamespaces() { return allowFromNamespaces == null ? List.of() : allowFromNamespaces; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final NetworkPolicyArgs $ = new NetworkPolicyArgs();

        public Builder enabled(Boolean enabled) { $.enabled = enabled; return this; }
        public Builder allowFromNamespaces(List<String> allowFromNamespaces) { $.allowFromNamespaces = allowFromNamespaces == null ? null : List.copyOf(allowFromNamespaces); return this; }
        public Builder allowFromNamespaces(String... allowFromNamespaces) { return allowFromNamespaces(List.of(allowFromNamespaces)); }

        public NetworkPolicyArgs build() {
            return $;
        }
    }
}
