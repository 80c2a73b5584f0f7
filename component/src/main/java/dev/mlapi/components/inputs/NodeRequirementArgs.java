package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.List;
import java.util.Optional;

/** A rule on node labels the pods require, as in a node affinity. */
public final class NodeRequirementArgs extends ResourceArgs {
    @Import(name = "key", required = true)
    private String key;
    @Import(name = "operator", required = true)
    private String operator;
    @Import(name = "values")
    private List<String> values;

    private NodeRequirementArgs() {}

    /** The node label's key. */
    public String key() { return key; }
    /** In, NotIn, Exists, DoesNotExist, Gt or Lt. */
    public String operator() { return operator; }
    /** The values, for In, NotIn (one or more), Gt and Lt (one whole number); left out for Exists and DoesNotExist. */
    public Optional<List<String>> values() { return Optional.ofNullable(values); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final NodeRequirementArgs $ = new NodeRequirementArgs();

        public Builder key(String key) { $.key = key; return this; }
        public Builder operator(String operator) { $.operator = operator; return this; }
        public Builder values(List<String> values) { $.values = values == null ? null : List.copyOf(values); return this; }
        public Builder values(String... values) { return values(List.of(values)); }

        public NodeRequirementArgs build() {
            return $;
        }
    }
}
