package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;

/** The ids the pods run as; never root. */
public final class SecurityContextArgs extends ResourceArgs {
    @Import(name = "runAsUser")
    private Integer runAsUser;
    @Import(name = "runAsGroup")
    private Integer runAsGroup;
    @Import(name = "fsGroup")
    private Integer fsGroup;

    private SecurityContextArgs() {}

    /** The user id. */
    public Integer runAsUser() { return runAsUser; }
    /** The group id. */
    public Integer runAsGroup() { return runAsGroup; }
    /** The group that owns mounted volumes. */
    public Integer fsGroup() { return fsGroup; }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final SecurityContextArgs $ = new SecurityContextArgs();

        public Builder runAsUser(Integer runAsUser) { $.runAsUser = runAsUser; return this; }
        public Builder runAsGroup(Integer runAsGroup) { $.runAsGroup = runAsGroup; return this; }
        public Builder fsGroup(Integer fsGroup) { $.fsGroup = fsGroup; return this; }

        public SecurityContextArgs build() {
            return $;
        }
    }
}
