package dev.mlapi.components.inputs;

import com.pulumi.core.Output;

/**
 * A value another resource may give, kept as an output inside an output: that is how the
 * component provider (a Python or YAML program's MlApi) hands over an output or a secret, and a
 * plain {@code Output<String>} field would refuse it. The args show it flat, secret when either is.
 */
final class Wrapped {
    private Wrapped() {}

    static <T> Output<Output<T>> wrap(Output<T> value) {
        return value == null ? null : Output.of(value);
    }

    static <T> Output<T> flat(Output<Output<T>> value) {
        return value == null ? null : value.apply(inner -> inner);
    }
}
