package dev.mlapi;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import dev.mlapi.components.MlApi;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.PulumiConfigSource;
import dev.mlapi.config.StackArgs;
import dev.mlapi.config.StackConfigLoader;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The program: read the stack's config, build the typed args, create the ML API. */
public final class App {
    private App() {}

    public static void main(String[] args) {
        Pulumi.run(program(Path.of("")));
    }

    /** The program for the project in {@code projectDir}, whose stack files hold the config. */
    public static Consumer<Context> program(Path projectDir) {
        return ctx -> {
            MlApiConfig config = StackConfigLoader.load(PulumiConfigSource.of(ctx, projectDir));
            var api = new MlApi(config.name(), StackArgs.of(ctx, config), null);
            api.outputs().forEach(ctx::export);
        };
    }
}
