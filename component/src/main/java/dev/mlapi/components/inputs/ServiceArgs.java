package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** The Service in front of the pods. */
public final class ServiceArgs extends ResourceArgs {
    @Import(name = "type")
    private String type;
    @Import(name = "port")
    private Integer port;

    private ServiceArgs() {}

    /** ClusterIP, NodePort or LoadBalancer. */
    public String type() { return type; }
    /** The Service's port; it forwards to the container's port. */
    public Integer port() { return port; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ServiceArgs $ = new ServiceArgs();

        public Builder type(String type) { $.type = type; return this; }
        public Builder port(Integer port) { $.port = port; return this; }

        public ServiceArgs build() {
            return $;
        }
    }
}
