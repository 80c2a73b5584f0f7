package dev.mlapi.components.inputs;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** A name and a text value: an environment variable, an annotation, a config file. */
public final class NamedValueArgs extends ResourceArgs {
    @Import(name = "name", required = true)
    private String name;
    @Import(name = "value", required = true)
    private Output<Output<String>> value;

    private NamedValueArgs() {}

    /** The name (a variable's, an annotation's key, a file's). */
    public String name() { return name; }
    /** The value; may be an output of another resource, and stays secret when it is one. */
    public Output<String> value() { return Wrapped.flat(value); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final NamedValueArgs $ = new NamedValueArgs();

        public Builder name(String name) { $.name = name; return this; }
        public Builder value(Output<String> value) { $.value = Wrapped.wrap(value); return this; }
        public Builder value(String value) { return value(Output.of(value)); }

        public NamedValueArgs build() {
            return $;
        }
    }
}
