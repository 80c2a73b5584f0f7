package dev.mlapi.config;

import com.pulumi.Config;
import com.pulumi.Context;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Config as the engine gives it to the running program. The SDK cannot list the keys that are
 * set, so they come from the stack's settings file, which is what {@code pulumi config set} writes.
 */
public final class PulumiConfigSource implements ConfigSource {
    private final String stack;
    private final Config config;
    private final Set<String> keys;

    private PulumiConfigSource(String stack, Config config, Set<String> keys) {
        this.stack = stack;
        this.config = config;
        this.keys = keys;
    }

    public static PulumiConfigSource of(Context ctx, Path projectDir) {
        return new PulumiConfigSource(ctx.stackName(), ctx.config("mlapi"),
                StackFile.read(projectDir, ctx.stackName()).keys());
    }

    @Override
    public String stack() {
        return stack;
    }

    @Override
    public Set<String> keys() {
        return keys;
    }

    @Override
    public Optional<String> get(String key) {
        return config.get(key);
    }
}
