package dev.mlapi;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.deployment.internal.DeploymentImpl;
import com.pulumi.deployment.internal.DeploymentInstanceHolder;
import com.pulumi.deployment.internal.DeploymentInstanceInternal;
import com.pulumi.internal.PulumiInternal;
import com.pulumi.resources.StackOptions;
import dev.mlapi.components.MlApi;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.PulumiConfigSource;
import dev.mlapi.config.StackArgs;
import dev.mlapi.config.StackConfigLoader;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The program: read the stack's config, build the typed args, create the ML API. */
public final class App {
    private App() {}

    public static void main(String[] args) {
        pulumi().run(program(Path.of("")));
    }

    /**
     * What {@link Pulumi#run} starts, with the SDK's runner inside a {@link ParkingRunner}: the
     * runner must be in place before the deployment is built, which keeps a reference to it.
     */
    public static PulumiInternal pulumi() {
        var state = DeploymentImpl.DeploymentState.fromEnvironment();
        state.runner = new ParkingRunner(state.runner);
        var deployment = new DeploymentImpl(state);
        DeploymentInstanceHolder.setInstance(new DeploymentInstanceInternal(deployment));
        try {
            // The rest of PulumiInternal.fromEnvironment, which the SDK keeps private.
            Method complete = PulumiInternal.class.getDeclaredMethod(
                    "completeConfiguration", DeploymentImpl.class, StackOptions.class);
            complete.setAccessible(true);
            return (PulumiInternal) complete.invoke(null, deployment, StackOptions.Empty);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Pulumi SDK changed: " + e, e);
        }
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
