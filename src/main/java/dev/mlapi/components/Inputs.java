package dev.mlapi.components;

import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/** Sets optional inputs only when there is something to set, so objects carry no empty fields. */
final class Inputs {
    private Inputs() {}

    static <T extends Collection<?>> void ifAny(T values, Consumer<T> setter) {
        if (values != null && !values.isEmpty()) {
            setter.accept(values);
        }
    }

    static <T extends Map<?, ?>> void ifAny(T values, Consumer<T> setter) {
        if (values != null && !values.isEmpty()) {
            setter.accept(values);
        }
    }
}
