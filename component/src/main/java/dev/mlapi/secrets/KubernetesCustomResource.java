package dev.mlapi.secrets;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Export;
import com.pulumi.core.annotations.Import;
import com.pulumi.kubernetes.meta.v1.inputs.ObjectMetaArgs;
import com.pulumi.kubernetes.meta.v1.outputs.ObjectMeta;
import com.pulumi.resources.CustomResource;
import com.pulumi.resources.CustomResourceOptions;
import com.pulumi.resources.ResourceArgs;
import java.util.Map;

/**
 * An object of a custom resource kind (an operator's CRD), created by the Kubernetes provider.
 * The Java SDK has no generic class for these, so this is one: the type token names the kind as
 * the provider expects ({@code kubernetes:<group>/<version>:<Kind>}) and the spec is free-form.
 */
public final class KubernetesCustomResource extends CustomResource {
    /** Makes the provider wait, on create and update, until the operator reports the condition. */
    public static final String WAIT_FOR = "pulumi.com/waitFor";

    @Export(name = "metadata", refs = ObjectMeta.class)
    private Output<ObjectMeta> metadata;

    public KubernetesCustomResource(String name, Args args, CustomResourceOptions options) {
        super("kubernetes:" + args.apiVersion + ":" + args.kind, name, args, options);
    }

    /** The object's name once it exists: using it makes a resource wait for this one. */
    public Output<String> name() {
        return metadata.applyValue(m -> m.name().orElseThrow());
    }

    /** apiVersion, kind, metadata and spec of the object. */
    public static final class Args extends ResourceArgs {
        @Import(name = "apiVersion", required = true)
        private final String apiVersion;
        @Import(name = "kind", required = true)
        private final String kind;
        @Import(name = "metadata")
        private final ObjectMetaArgs metadata;
        @Import(name = "spec")
        private final Output<Map<String, Object>> spec;

        public Args(String apiVersion, String kind, ObjectMetaArgs metadata, Output<Map<String, Object>> spec) {
            this.apiVersion = apiVersion;
            this.kind = kind;
            this.metadata = metadata;
            this.spec = spec;
        }
    }
}
