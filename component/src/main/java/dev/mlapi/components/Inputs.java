package dev.mlapi.components;

import com.pulumi.core.Output;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Sets optional inputs only when there is something to set, so objects carry no empty fields; turns name/value args into maps. */
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

    /** The entries by name, sorted; an output, since values may be outputs (and secret ones keep the whole secret). */
    static Output<Map<String, String>> map(List<NamedValueArgs> entries) {
        return Output.all(entries.stream().map(NamedValueArgs::value).toList()).applyValue(values -> {
            Map<String, String> byName = new TreeMap<>();
            for (int i = 0; i < entries.size(); i++) {
                byName.put(entries.get(i).name(), values.get(i));
            }
            return byName;
        });
    }

    /** Labels by key, sorted. */
    static Map<String, String> labels(List<LabelArgs> labels) {
        Map<String, String> byKey = new TreeMap<>();
        labels.forEach(l -> byKey.put(l.name(), l.value()));
        return byKey;
    }
}
