package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** Amounts of the container's resources, as Kubernetes quantities (500m, 2, 1Gi). */
public final class QuantitiesArgs extends ResourceArgs {
    @Import(name = "cpu")
    private String cpu;
    @Import(name = "memory")
    private String memory;
    @Import(name = "ephemeralStorage")
    private String ephemeralStorage;

    private QuantitiesArgs() {}

    /** CPU, in cores (500m is half a core). */
    public Optional<String> cpu() { return Optional.ofNullable(cpu); }
    /** Memory, in bytes (1Gi). */
    public Optional<String> memory() { return Optional.ofNullable(memory); }
    /** Node-local scratch space (/tmp and a node-local model cache count against it). */
    public Optional<String> ephemeralStorage() { return Optional.ofNullable(ephemeralStorage); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final QuantitiesArgs $ = new QuantitiesArgs();

        public Builder cpu(String cpu) { $.cpu = cpu; return this; }
        public Builder memory(String memory) { $.memory = memory; return this; }
        public Builder ephemeralStorage(String ephemeralStorage) { $.ephemeralStorage = ephemeralStorage; return this; }

        public QuantitiesArgs build() {
            return $;
        }
    }
}
