package dev.mlapi.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.pulumi.Context;
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
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import pulumirpc.Resource.RegisterResourceRequest;
import pulumirpc.Resource.RegisterResourceResponse;

/**
 * Runs a program against a stack file with the SDK's in-process mock engine, with no engine,
 * provider or cluster, and records every resource registration as the engine would receive it:
 * type, name, parent, dependencies and inputs. Used by {@code validate} for the policy checks,
 * and by the tests.
 */
public final class MockedDeployment {
    private static final JsonMapper JSON = new JsonMapper();

    private MockedDeployment() {}

    /** What the engine would have received for one resource. */
    public record Declared(String type, String name, String urn, String parent, List<String> dependencies, JsonNode inputs) {}

    public record Result(TestResult result, List<Declared> resources) {}

    public static Result run(Path projectDir, String stack, UnaryOperator<String> decrypt, Consumer<Context> program) {
        StackFile file = StackFile.read(projectDir, stack);
        List<Declared> declared = new CopyOnWriteArrayList<>();
        Mocks mocks = new ProviderLikeMocks();
        try {
            TestResult result = PulumiTestInternal.builder()
                    .options(TestOptions.builder().projectName("mlapi").stackName(stack).preview(false).build())
                    .config(file.engineConfig(decrypt), file.secretKeys())
                    .mocks(mocks)
                    .monitorDecorator(ignored -> new RecordingMonitor(mocks, declared))
                    .build()
                    .runTest(program);
            return new Result(result, List.copyOf(declared));
        } finally {
            PulumiTest.cleanup();
        }
    }

    /** Answers like the providers: state is the inputs, objects without a name get one, AWS objects an ARN. */
    private static final class ProviderLikeMocks implements Mocks {
        @Override
        public CompletableFuture<ResourceResult> newResourceAsync(ResourceArgs args) {
            ObjectNode state = JSON.valueToTree(args.inputs);
            if (args.type.startsWith("kubernetes:") && state.path("metadata").path("name").isMissingNode()) {
                state.withObject("/metadata").put("name", args.name + "-0a1b2c3d");
            }
            if (args.type.startsWith("aws:")) {
                if (!state.has("name")) {
                    state.put("name", args.name + "-0a1b2c3d");
                }
                state.put("arn", "arn:aws:" + args.type.split("[:/]")[1] + ":eu-west-1:123456789012:" + state.get("name").asText());
            }
            Map<String, Object> outputs = JSON.convertValue(state, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
            return CompletableFuture.completedFuture(ResourceResult.of(Optional.of(args.name + "-id"), outputs));
        }
    }

    private static final class RecordingMonitor extends MockMonitor {
        private final List<Declared> declared;

        RecordingMonitor(Mocks mocks, List<Declared> declared) {
            super(mocks, PulumiTestInternal.mockLog());
            this.declared = declared;
        }

        @Override
        public CompletableFuture<RegisterResourceResponse> registerResourceAsync(Resource resource, RegisterResourceRequest request) {
            return super.registerResourceAsync(resource, request).thenApply(response -> {
                try {
                    JsonNode inputs = JSON.readTree(JsonFormat.printer().print(request.getObject()));
                    declared.add(new Declared(request.getType(), request.getName(), response.getUrn(),
                            request.getParent(), List.copyOf(request.getDependenciesList()), inputs));
                } catch (InvalidProtocolBufferException | JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                return response;
            });
        }
    }
}
