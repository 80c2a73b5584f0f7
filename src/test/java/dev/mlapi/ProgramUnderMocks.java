package dev.mlapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.pulumi.resources.Resource;
import com.pulumi.test.Mocks;
import com.pulumi.test.PulumiTest;
import com.pulumi.test.TestOptions;
import com.pulumi.test.TestResult;
import com.pulumi.test.internal.MockMonitor;
import com.pulumi.test.internal.PulumiTestInternal;
import dev.mlapi.config.StackFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import pulumirpc.Resource.RegisterResourceRequest;
import pulumirpc.Resource.RegisterResourceResponse;

/**
 * Runs the real program against a real stack file under the SDK's in-process mocks, and records
 * every resource registration as the engine would receive it: type, name, parent, dependencies
 * and inputs. Encrypted values in the stack file are replaced by {@link #testSecret}.
 */
public final class ProgramUnderMocks {
    public static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final JsonMapper JSON = new JsonMapper();

    private ProgramUnderMocks() {}

    /** What the engine would have received for one resource. */
    public record Registered(String type, String name, String urn, String parent, List<String> dependencies, JsonNode inputs) {
        public String at(String pointer) {
            return inputs.at(pointer).asText();
        }
    }

    public record Run(TestResult result, List<Registered> resources) {
        public List<Registered> ofType(String type) {
            return resources.stream().filter(r -> r.type().equals(type)).toList();
        }

        public Registered one(String type) {
            List<Registered> found = ofType(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type + ", found " + found.size() + " in " + types());
            }
            return found.get(0);
        }

        public Optional<Registered> optional(String type) {
            return ofType(type).stream().findFirst();
        }

        public List<String> types() {
            return resources.stream().map(Registered::type).sorted().toList();
        }

        public Object output(String name) {
            return PulumiTest.extractValue(result.output(name));
        }
    }

    public static String testSecret(String ciphertext) {
        return "test-secret-" + Integer.toHexString(ciphertext.hashCode());
    }

    public static Run run(String stack) {
        return run(PROJECT, stack);
    }

    public static Run run(Path projectDir, String stack) {
        StackFile file = StackFile.read(projectDir, stack);
        List<Registered> registered = new CopyOnWriteArrayList<>();
        Mocks mocks = new ProviderLikeMocks();
        try {
            TestResult result = PulumiTestInternal.builder()
                    .options(TestOptions.builder().projectName("mlapi").stackName(stack).preview(false).build())
                    .config(file.engineConfig(ProgramUnderMocks::testSecret), file.secretKeys())
                    .mocks(mocks)
                    .monitorDecorator(ignored -> new RecordingMonitor(mocks, registered))
                    .build()
                    .runTest(App.program(projectDir));
            return new Run(result, List.copyOf(registered));
        } finally {
            PulumiTest.cleanup();
        }
    }

    /** Answers like the Kubernetes provider: state is the inputs, and objects without a name get one. */
    private static final class ProviderLikeMocks implements Mocks {
        @Override
        public CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
            ObjectNode state = JSON.valueToTree(args.inputs);
            if (args.type.startsWith("kubernetes:") && state.path("metadata").path("name").isMissingNode()) {
                state.withObject("/metadata").put("name", args.name + "-0a1b2c3d");
            }
            Map<String, Object> outputs = JSON.convertValue(state, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
            return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(args.name + "-id"), outputs));
        }
    }

    private static final class RecordingMonitor extends MockMonitor {
        private final List<Registered> registered;

        RecordingMonitor(Mocks mocks, List<Registered> registered) {
            super(mocks, PulumiTestInternal.mockLog());
            this.registered = registered;
        }

        @Override
        public CompletableFuture<RegisterResourceResponse> registerResourceAsync(Resource resource, RegisterResourceRequest request) {
            return super.registerResourceAsync(resource, request).thenApply(response -> {
                try {
                    JsonNode inputs = JSON.readTree(JsonFormat.printer().print(request.getObject()));
                    registered.add(new Registered(request.getType(), request.getName(), response.getUrn(),
                            request.getParent(), List.copyOf(request.getDependenciesList()), inputs));
                } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                return response;
            });
        }
    }
}
