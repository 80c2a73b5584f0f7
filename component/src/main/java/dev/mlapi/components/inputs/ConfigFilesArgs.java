package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** Files or environment variables from a ConfigMap the component creates; changed data makes a new ConfigMap and rolls the pods. */
public final class ConfigFilesArgs extends ResourceArgs {
    @Import(name = "data", required = true)
    private List<NamedValueArgs> data;
    @Import(name = "mountPath")
    private String mountPath;

    private ConfigFilesArgs() {}

    /** The files (by file name) or variables (by variable name). Empty when not set. */
    public List<NamedValueArgs> data() { return data == null ? List.of() : data; }
    /** The folder the files appear in; without it each entry is an environment variable. */
    public Optional<String> mountPath() { return Optional.ofNullable(mountPath); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ConfigFilesArgs $ = new ConfigFilesArgs();

        public Builder data(List<NamedValueArgs> data) { $.data = data == null ? null : List.copyOf(data); return this; }
        public Builder data(NamedValueArgs... data) { return data(List.of(data)); }
        public Builder mountPath(String mountPath) { $.mountPath = mountPath; return this; }

        public ConfigFilesArgs build() {
            return $;
        }
    }
}
