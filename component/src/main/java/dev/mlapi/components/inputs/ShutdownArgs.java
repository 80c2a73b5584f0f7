package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** How a pod stops: it keeps serving for drainSeconds while traffic moves away, then gets SIGTERM. */
public final class ShutdownArgs extends ResourceArgs {
    @Import(name = "drainSeconds")
    private Integer drainSeconds;
    @Import(name = "gracePeriodSeconds")
    private Integer gracePeriodSeconds;

    private ShutdownArgs() {}

    /** Seconds a stopping pod keeps serving before SIGTERM; 0 for none (an image without a sleep binary needs 0). */
    public Integer drainSeconds() { return drainSeconds; }
    /** Seconds from the start of the stop until the kubelet kills the container; more than drainSeconds. */
    public Integer gracePeriodSeconds() { return gracePeriodSeconds; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ShutdownArgs $ = new ShutdownArgs();

        public Builder drainSeconds(Integer drainSeconds) { $.drainSeconds = drainSeconds; return this; }
        public Builder gracePeriodSeconds(Integer gracePeriodSeconds) { $.gracePeriodSeconds = gracePeriodSeconds; return this; }

        public ShutdownArgs build() {
            return $;
        }
    }
}
