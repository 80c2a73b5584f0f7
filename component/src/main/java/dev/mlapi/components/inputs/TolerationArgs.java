package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** A taint the pods tolerate, as in a pod spec. */
public final class TolerationArgs extends ResourceArgs {
    @Import(name = "key")
    private String key;
    @Import(name = "operator")
    private String operator;
    @Import(name = "value")
    private String value;
    @Import(name = "effect")
    private String effect;
    @Import(name = "tolerationSeconds")
    private Integer tolerationSeconds;

    private TolerationArgs() {}

    /** The taint's key; may be left out with operator Exists. */
    public Optional<String> key() { return Optional.ofNullable(key); }
    /** Equal (the default) or Exists. */
    public Optional<String> operator() { return Optional.ofNullable(operator); }
    /** The taint's value, with operator Equal. */
    public Optional<String> value() { return Optional.ofNullable(value); }
    /** NoSchedule, PreferNoSchedule or NoExecute; all when left out. */
    public Optional<String> effect() { return Optional.ofNullable(effect); }
    /** With effect NoExecute, how long the pod stays after the taint appears. */
    public Optional<Integer> tolerationSeconds() { return Optional.ofNullable(tolerationSeconds); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final TolerationArgs $ = new TolerationArgs();

        public Builder key(String key) { $.key = key; return this; }
        public Builder operator(String operator) { $.operator = operator; return this; }
        public Builder value(String value) { $.value = value; return this; }
        public Builder effect(String effect) { $.effect = effect; return this; }
        public Builder tolerationSeconds(Integer tolerationSeconds) { $.tolerationSeconds = tolerationSeconds; return this; }

        public TolerationArgs build() {
            return $;
        }
    }
}
