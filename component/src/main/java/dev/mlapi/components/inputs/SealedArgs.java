package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** A value sealed for the cluster's Sealed Secrets controller, bound to this namespace and the component's sealed Secret name (MlApi.sealedSecretName). */
public final class SealedArgs extends ResourceArgs {
    @Import(name = "encryptedData", required = true)
    private String encryptedData;

    private SealedArgs() {}

    /** The sealed value (kubeseal's output, base64). */
    public String encryptedData() { return encryptedData; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final SealedArgs $ = new SealedArgs();

        public Builder encryptedData(String encryptedData) { $.encryptedData = encryptedData; return this; }

        public SealedArgs build() {
            return $;
        }
    }
}
