package dev.mlapi.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.cli.ValidateCommand;
import dev.mlapi.config.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values files of the chart's shape, imported, validated, and deployed under mocks. */
class HelmValuesImportTest {
    private static final Path SAMPLES = Path.of("program/src/test/resources/dev/mlapi/migrate");
    private static final Path CHART = Path.of("program/src/test/resources/helm/mf-demo");

    @TempDir
    Path project;

    @Test
    void stagingValuesBecomeAStackThatDeploysTheSameThing() throws IOException {
        var result = HelmValuesImport.run(SAMPLES.resolve("values-staging.yaml"), project, "staging", Environment.STAGING);

        assertEquals(List.of(
                "securityContext.capabilities (the restricted Pod Security settings always apply)",
                "securityContext.readOnlyRootFilesystem (the restricted Pod Security settings always apply)",
                "securityContext.runAsNonRoot (the restricted Pod Security settings always apply)",
                "service.port as the container's port (80 is below 1024, which a non-root container cannot bind: set mlapi:port to the port the image listens on)",
                "livenessProbe.initialDelaySeconds (probe timing derives from probes.modelLoadTimeoutSeconds)"), result.unmapped());
        // Equal to staging's defaults, so not written: replicas 2, the service, autoscaling off.
        assertEquals(List.of("name", "image", "resources", "probes", "podAnnotations", "podLabels", "scheduling", "serviceAccount",
                "ingress", "securityContext"), List.copyOf(result.written().keySet()));
        // The chart does not know which namespace its ingress controller runs in; validation says so.
        assertEquals(1, ValidateCommand.run(project.resolve("Pulumi.staging.yaml").toString()));
        Path file = project.resolve("Pulumi.staging.yaml");
        Files.writeString(file, Files.readString(file) + "  mlapi:networkPolicy:\n    allowFromNamespaces: [ingress-nginx]\n");
        assertEquals(0, ValidateCommand.run(file.toString()));

        var run = ProgramUnderMocks.run(project, "staging");
        JsonNode deployment = run.one("kubernetes:apps/v1:Deployment").inputs();
        assertEquals("ghcr.io/acme/fraud-scorer:2.3.1", deployment.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("IfNotPresent", deployment.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        assertEquals("3Gi", deployment.at("/spec/template/spec/containers/0/resources/limits/memory").asText());
        assertEquals("ghcr-credentials", deployment.at("/spec/template/spec/imagePullSecrets/0/name").asText());
        assertEquals(1000, deployment.at("/spec/template/spec/securityContext/runAsUser").asInt());
        assertEquals(2000, deployment.at("/spec/template/spec/securityContext/fsGroup").asInt());
        assertEquals("m6i.xlarge", deployment.at("/spec/template/spec/nodeSelector/node.kubernetes.io~1instance-type").asText());
        assertEquals("risk-ml", deployment.at("/spec/template/metadata/labels/team").asText());
        assertEquals("arn:aws:iam::123456789012:role/fraud-scorer-staging",
                run.one("kubernetes:core/v1:ServiceAccount").inputs().at("/metadata/annotations/eks.amazonaws.com~1role-arn").asText());
        JsonNode ingress = run.one("kubernetes:networking.k8s.io/v1:Ingress").inputs();
        assertEquals("fraud.staging.example.com", ingress.at("/spec/rules/0/host").asText());
        assertEquals("fraud-staging-tls", ingress.at("/spec/tls/0/secretName").asText());
        assertEquals(80, run.one("kubernetes:core/v1:Service").inputs().at("/spec/ports/0/port").asInt());
    }

    @Test
    void productionValuesKeepTheAutoscalerGpuAndNodeAffinity() throws IOException {
        var result = HelmValuesImport.run(SAMPLES.resolve("values-production.yaml"), project, "production", Environment.PRODUCTION);

        assertEquals(List.of("replicaCount (the autoscaler owns the replica count)",
                "resources.requests.memory (production's memory request is its limit)"), result.unmapped());
        assertTrue(!result.written().containsKey("replicas"));
        var run = ProgramUnderMocks.run(project, "production");
        JsonNode pod = run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/spec");
        assertEquals("1", pod.at("/containers/0/resources/limits/nvidia.com~1gpu").asText());
        assertEquals("8Gi", pod.at("/containers/0/resources/requests/memory").asText(), "the chart's 4Gi request becomes the 8Gi limit");
        assertEquals("karpenter.sh/capacity-type", pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/key").asText());
        assertEquals("fraud-scorer-prod", pod.at("/serviceAccountName").asText());
        assertEquals(8000, run.one("kubernetes:core/v1:Service").inputs().at("/spec/ports/0/port").asInt());
        assertEquals(20, run.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs().at("/spec/maxReplicas").asInt());
        assertEquals(List.of(), run.ofType("kubernetes:core/v1:ServiceAccount"), "an existing ServiceAccount is used, not created");
    }

    @Test
    void theContainerListensOnTheServicePortAsInTheChart() throws IOException {
        // The chart's Deployment: containerPort: {{ .Values.service.port }}; its Service's targetPort is that port's name.
        HelmValuesImport.run(SAMPLES.resolve("values-production.yaml"), project, "production", Environment.PRODUCTION);

        var run = ProgramUnderMocks.run(project, "production");
        assertEquals(8000, run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
    }

    @Test
    void probesAskThePathsTheChartsProbesAsk() throws IOException {
        // The chart's staging values: liveness on /, no readiness probe.
        HelmValuesImport.run(SAMPLES.resolve("values-staging.yaml"), project, "staging", Environment.STAGING);
        Path file = project.resolve("Pulumi.staging.yaml");
        Files.writeString(file, Files.readString(file) + "  mlapi:networkPolicy:\n    allowFromNamespaces: [ingress-nginx]\n");

        JsonNode container = ProgramUnderMocks.run(project, "staging").one("kubernetes:apps/v1:Deployment").inputs()
                .at("/spec/template/spec/containers/0");
        assertEquals("/", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/", container.at("/startupProbe/httpGet/path").asText(), "the startup probe holds liveness back: the same path");
        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText(), "the chart has no readiness probe: the default");
    }

    @Test
    void aLimitWithoutARequestRequestsTheLimitAsKubernetesDoes() throws IOException {
        // The chart's staging values limit CPU and memory and request nothing: its pods request their limits.
        HelmValuesImport.run(CHART.resolve("environment/staging/value-staging.yaml"), project, "staging", Environment.STAGING);

        JsonNode resources = ProgramUnderMocks.run(project, "staging").one("kubernetes:apps/v1:Deployment").inputs()
                .at("/spec/template/spec/containers/0/resources");
        assertEquals("2", resources.at("/requests/cpu").asText(), resources.toString());
        assertEquals("3Gi", resources.at("/requests/memory").asText(), resources.toString());
    }

    @Test
    void aReplicaCountWithoutAnAutoscalerStaysPinnedInProduction() throws IOException {
        // The chart has no autoscaler: its production runs replicaCount pods, where production's default autoscales.
        var result = HelmValuesImport.run(CHART.resolve("environment/production/value-production.yaml"), project, "production", Environment.PRODUCTION);

        assertEquals("{\"enabled\":false}", String.valueOf(result.written().get("autoscaling")));
        var run = ProgramUnderMocks.run(project, "production");
        assertEquals(List.of(), run.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"));
        assertEquals(3, run.one("kubernetes:apps/v1:Deployment").inputs().at("/spec/replicas").asInt());
    }

    @Test
    void anExistingStackFileKeepsItsCommentsSecretsAndOtherKeys() throws IOException {
        Path file = project.resolve("Pulumi.staging.yaml");
        Files.writeString(file, """
                # staging: owned by the risk team
                config:
                  mlapi:name: old-name # renamed by the import
                  mlapi:env:
                    LOG_LEVEL: info # keep
                  mlapi:probes:
                    modelLoadTimeoutSeconds: 900
                  mlapi:apiToken:
                    secure: v1:abc123
                encryptionsalt: v1:salt
                """);

        HelmValuesImport.run(SAMPLES.resolve("values-staging.yaml"), project, "staging", Environment.STAGING);

        String after = Files.readString(file);
        assertTrue(after.startsWith("# staging: owned by the risk team\nconfig:\n  mlapi:name: fraud-scorer\n  mlapi:env:\n    LOG_LEVEL: info # keep\n"), after);
        assertTrue(after.contains("  mlapi:apiToken:\n    secure: v1:abc123\n"), after);
        assertTrue(after.contains("  mlapi:probes:\n    modelLoadTimeoutSeconds: 900\n    livenessPath: /\n    startupPath: /\n"), after);
        assertTrue(after.endsWith("encryptionsalt: v1:salt\n"), after);
        assertTrue(after.contains("  mlapi:image:\n    repository: ghcr.io/acme/fraud-scorer\n"), after);
    }
}
