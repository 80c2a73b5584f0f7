package dev.mlapi.bench;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.resources.StackOptions;
import dev.mlapi.App;
import dev.mlapi.components.MlApi;
import dev.mlapi.config.ConfigSource;
import dev.mlapi.config.PulumiConfigSource;
import dev.mlapi.config.StackArgs;
import dev.mlapi.config.StackConfigLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The benchmark's program: N ML APIs from one stack's config, each under its own name
 * ({@code MLAPI_BENCH_APIS}, default 1). With N = 0 it is an empty Pulumi program: the floor.
 */
public final class ScaleProgram {
    private ScaleProgram() {}

    public static void main(String[] args) {
        int apis = Integer.parseInt(System.getenv().getOrDefault("MLAPI_BENCH_APIS", "1"));
        // The floor runs as any Pulumi program does, and so do the ML APIs with
        // MLAPI_BENCH_RUNNER=sdk (the SDK's own runner); otherwise they run as the project's program.
        boolean sdk = apis == 0 || "sdk".equals(System.getenv("MLAPI_BENCH_RUNNER"));
        (sdk ? Pulumi.withOptions(StackOptions.Empty) : App.pulumi()).run(program(Path.of(""), apis));
    }

    public static Consumer<Context> program(Path projectDir, int apis) {
        return ctx -> {
            if (apis == 0) {
                return;
            }
            ConfigSource stack = PulumiConfigSource.of(ctx, projectDir);
            Set<String> keys = new HashSet<>(stack.keys());
            keys.add("name");
            for (int i = 0; i < apis; i++) {
                String name = "api-" + i;
                var config = StackConfigLoader.load(ConfigSource.of(stack.stack(), keys, stack.encryptedKeys(),
                        key -> key.equals("name") ? Optional.of(name) : stack.get(key)));
                new MlApi(name, StackArgs.of(ctx, config), null);
            }
        };
    }
}
