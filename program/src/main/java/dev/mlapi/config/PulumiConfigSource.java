package dev.mlapi.config;

import com.pulumi.Context;
import com.pulumi.deployment.Deployment;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Config as the engine gives it to the running program. The SDK cannot list the keys that are
 * set, so they come from the stack's settings file, which is what {@code pulumi config set} writes.
 * A key is encrypted when the file says so or the engine does: the engine names every key that
 * is, or holds, a secret (PULUMI_CONFIG_SECRET_KEYS), also those a stack file does not show.
 */
public final class PulumiConfigSource {
    private PulumiConfigSource() {}

    public static ConfigSource of(Context ctx, Path projectDir) {
        StackFile file = StackFile.read(projectDir, ctx.stackName());
        var engine = Deployment.getInstance().getConfig();
        Set<String> encrypted = new TreeSet<>(file.encryptedKeys());
        Set<String> values = new TreeSet<>(file.encryptedValues());
        // Where the file shows no encrypted value in a key the engine holds secret, the whole key is.
        file.keys().stream().filter(k -> engine.isConfigSecret(StackFile.NAMESPACE + k) && encrypted.add(k)).forEach(values::add);
        return ConfigSource.of(ctx.stackName(), file.keys(), encrypted, values, file.rewritten(), ctx.config("mlapi")::get);
    }
}
