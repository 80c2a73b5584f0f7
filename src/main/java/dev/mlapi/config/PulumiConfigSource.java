package dev.mlapi.config;

import com.pulumi.Context;
import java.nio.file.Path;

/**
 * Config as the engine gives it to the running program. The SDK cannot list the keys that are
 * set, so they come from the stack's settings file, which is what {@code pulumi config set} writes.
 */
public final class PulumiConfigSource {
    private PulumiConfigSource() {}

    public static ConfigSource of(Context ctx, Path projectDir) {
        StackFile file = StackFile.read(projectDir, ctx.stackName());
        return ConfigSource.of(ctx.stackName(), file.keys(), file.encryptedKeys(), file.rewritten(), ctx.config("mlapi")::get);
    }
}
