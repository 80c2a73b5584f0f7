package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** A Kubernetes label: a key and a value of at most 63 characters. */
public final class LabelArgs extends ResourceArgs {
    @Import(name = "name", required = true)
    private String name;
    @Import(name = "value", required = true)
    private String value;

    private LabelArgs() {}

    /** The label's key, with an optional DNS prefix (team/owner). */
    public String name() { return name; }
    /** The label's value. */
    public String value() { return value; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final LabelArgs $ = new LabelArgs();

        public Builder name(String name) { $.name = name; return this; }
        public Builder value(String value) { $.value = value; return this; }

        public LabelArgs build() {
            return $;
        }
    }
}
