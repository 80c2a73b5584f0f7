package dev.mlapi.components.inputs;

import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** A Job that calls the API through its Service after each change, as the chart's helm test. */
public final class ConnectionTestArgs extends ResourceArgs {
    @Import(name = "enabled")
    private Boolean enabled;
    @Import(name = "path")
    private String path;
    @Import(name = "timeoutSeconds")
    private Integer timeoutSeconds;
    @Import(name = "image")
    private String image;
    @Import(name = "revision")
    private String revision;

    private ConnectionTestArgs() {}

    /** Whether the test runs. */
    public Boolean enabled() { return enabled; }
    /** The path it asks for; default: the readiness path. */
    public Optional<String> path() { return Optional.ofNullable(path); }
    /** How long the test waits for an answer of 200. */
    public Integer timeoutSeconds() { return timeoutSeconds; }
    /** The test program's image, by digest (the project's connection-test/ build). */
    public String image() { return image; }
    /** Text that identifies what is tested: the Job is named by its hash, so each new revision runs the test again. Without it the Job keeps one name and runs again only when its own spec changes. */
    public Optional<String> revision() { return Optional.ofNullable(revision); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final ConnectionTestArgs $ = new ConnectionTestArgs();

        public Builder enabled(Boolean enabled) { $.enabled = enabled; return this; }
        public Builder path(String path) { $.path = path; return this; }
        public Builder timeoutSeconds(Integer timeoutSeconds) { $.timeoutSeconds = timeoutSeconds; return this; }
        public Builder image(String image) { $.image = image; return this; }
        public Builder revision(String revision) { $.revision = revision; return this; }

        public ConnectionTestArgs build() {
            return $;
        }
    }
}
