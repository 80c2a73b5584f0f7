package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** How many replicas voluntary disruptions (node drains) may take at once: exactly one of the two, a count (\"1\") or a percentage (\"25%\"). */
public final class DisruptionBudgetArgs extends ResourceArgs {
    @Import(name = "enabled")
    private Boolean enabled;
    @Import(name = "minAvailable")
    private String minAvailable;
    @Import(name = "maxUnavailable")
    private String maxUnavailable;

    private DisruptionBudgetArgs() {}

    /** Whether a PodDisruptionBudget is created. */
    public Boolean enabled() { return enabled; }
    /** Replicas that must stay. */
    public Optional<String> minAvailable() { return Optional.ofNullable(minAvailable); }
    /** Replicas that may go. */
    public Optional<String> maxUnavailable() { return Optional.ofNullable(maxUnavailable); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final DisruptionBudgetArgs $ = new DisruptionBudgetArgs();

        public Builder enabled(Boolean enabled) { $.enabled = enabled; return this; }
        public Builder minAvailable(String minAvailable) { $.minAvailable = minAvailable; return this; }
        public Builder maxUnavailable(String maxUnavailable) { $.maxUnavailable = maxUnavailable; return this; }

        public DisruptionBudgetArgs build() {
            return $;
        }
    }
}
