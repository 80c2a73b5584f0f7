package dev.mlapi.components;

import com.pulumi.provider.internal.ComponentProvider;
import com.pulumi.provider.internal.Metadata;
import com.pulumi.provider.internal.ResourceProviderService;
import com.pulumi.provider.internal.models.ConstructRequest;
import com.pulumi.provider.internal.models.ConstructResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The component package's provider, which the Java host runs ({@code mvn compile exec:java} in
 * component/, see its pom) for a Python or YAML program that declares an {@code mlapi:index:MlApi}.
 * It is ComponentProviderHost's provider, with two differences: the schema it derives from this
 * package carries the library's version (the host's is always 0.0.0), and a refusal of the args
 * reaches the program as the rules' own message, not as the reflection that carried it. Each MlApi
 * takes the defaults for what the program leaves out.
 */
public final class MlApiProvider {
    private MlApiProvider() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        MlApiDefaults.applyToEveryMlApi();
        var provider = new ComponentProvider(new Metadata("mlapi", version()), MlApi.class.getPackage()) {
            @Override
            public CompletableFuture<ConstructResponse> construct(ConstructRequest request) {
                try {
                    return super.construct(request);
                } catch (RuntimeException e) {
                    throw Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause).filter(InvalidArgsException.class::isInstance)
                            .map(InvalidArgsException.class::cast).findFirst().map(RuntimeException.class::cast).orElse(e);
                }
            }
        };
        new ResourceProviderService(engineAddress(args), provider).startAndBlockUntilShutdown();
    }

    /** The library's version, which the build writes into version.txt. */
    static String version() throws IOException {
        try (InputStream in = MlApiProvider.class.getResourceAsStream("version.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** The engine's address: the one argument that is not a logging flag (--logtostderr, -v=N, --tracing X, --logflow). */
    static String engineAddress(String[] args) {
        List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tracing")) {
                i++;
            } else if (!args[i].equals("--logtostderr") && !args[i].equals("--logflow") && !args[i].startsWith("-v=")) {
                rest.add(args[i]);
            }
        }
        if (rest.size() != 1) {
            throw new IllegalArgumentException("expected the engine's address alone, got " + List.of(args));
        }
        return rest.get(0);
    }
}
