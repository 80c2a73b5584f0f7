package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.core.Output;
import dev.mlapi.ProgramUnderMocks;
import dev.mlapi.ProgramUnderMocks.Run;
import dev.mlapi.components.inputs.AwsSecretArgs;
import dev.mlapi.components.inputs.ConnectionTestArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.ImageArgs;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.NamespaceArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.ResourcesArgs;
import dev.mlapi.components.inputs.SchedulingArgs;
import dev.mlapi.components.inputs.SealedArgs;
import dev.mlapi.components.inputs.SecretArgs;
import dev.mlapi.components.inputs.SecurityContextArgs;
import dev.mlapi.components.inputs.ServiceAccountArgs;
import dev.mlapi.components.inputs.ServiceArgs;
import dev.mlapi.components.inputs.ShutdownArgs;
import dev.mlapi.components.inputs.TolerationArgs;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A program that uses the component directly, with args it builds (as another project would):
 * every problem comes at once, named by the args path, before the component creates anything;
 * an image reference that is an output is checked once known, and fails the component alike.
 */
class MlApiArgsRulesTest {
    private static MlApiArgs.Builder valid(Output<String> image) {
        return MlApiArgs.builder()
                .environment("staging")
                .namespace(NamespaceArgs.builder().create(true).build())
                .image(ImageArgs.builder().reference(image).pullPolicy("IfNotPresent").build())
                .replicas(2)
                .resources(ResourcesArgs.builder().build())
                .port(8080)
                .service(ServiceArgs.builder().type("ClusterIP").port(80).build())
                .probes(ProbesArgs.builder().livenessPath("/healthz").readinessPath("/ready").startupPath("/healthz")
                        .periodSeconds(10).timeoutSeconds(5).failureThreshold(3).modelLoadTimeoutSeconds(300).build())
                .shutdown(ShutdownArgs.builder().drainSeconds(10).gracePeriodSeconds(45).build())
                .serviceAccount(ServiceAccountArgs.builder().create(true).automountToken(false).build())
                .securityContext(SecurityContextArgs.builder().runAsUser(10001).runAsGroup(10001).fsGroup(10001).build());
    }

    private static Run run(MlApiArgs args) {
        return run("fraud-api", args);
    }

    private static Run run(String name, MlApiArgs args) {
        return ProgramUnderMocks.run(ProgramUnderMocks.PROJECT, "dev", ctx -> new MlApi(name, args, null));
    }

    private static InvalidArgsException error(Run run) {
        return run.result().exceptions().stream()
                .flatMap(e -> Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause))
                .filter(InvalidArgsException.class::isInstance).map(InvalidArgsException.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no args error in " + run.result().exceptions()));
    }

    @Test
    void validArgsMakeTheApi() {
        Run run = run(valid(Output.of("ghcr.io/acme/fraud-api:2.1.0")).build());
        assertTrue(run.result().exceptions().isEmpty(), () -> run.result().exceptions().toString());
        assertEquals("fraud-api-staging", run.one("kubernetes:core/v1:Namespace").at("/metadata/name"));
        assertEquals("fraud-api", run.one("kubernetes:core/v1:ServiceAccount").at("/metadata/name"), "named after the API by default");
        assertEquals("2.1.0", run.one("kubernetes:apps/v1:Deployment").at("/metadata/labels/app.kubernetes.io~1version"));
        assertTrue(run.ofType("kubernetes:batch/v1:Job").isEmpty(), "no connection test args: no test");
    }

    @Test
    void everyProblemComesAtOnceByArgsPathBeforeAnyObject() {
        Run run = run(valid(Output.of("ghcr.io/acme/fraud-api:2.1.0"))
                .port(80)
                .probes(ProbesArgs.builder().livenessPath("healthz").readinessPath("/ready").startupPath("/healthz")
                        .periodSeconds(10).timeoutSeconds(20).failureThreshold(3).modelLoadTimeoutSeconds(300).build())
                .podLabels(LabelArgs.builder().name("team").value("ml platform").build())
                .scheduling(SchedulingArgs.builder().tolerations(TolerationArgs.builder().key("gpu").operator("Equals").build()).build())
                .connectionTest(ConnectionTestArgs.builder().enabled(true).timeoutSeconds(5).image("ghcr.io/acme/test:1").build())
                .build());

        assertEquals(List.of(
                "port: 80 is below 1024: the API runs as a non-root user without capabilities (restricted profile), which cannot bind it;"
                        + " the Service still listens on service.port (for example: port: 8080)",
                "probes.livenessPath: must be an HTTP path starting with / (for example: probes.livenessPath: /healthz)",
                "probes.timeoutSeconds: is longer than probes.periodSeconds, so probes would overlap (for example: probes.timeoutSeconds: 5)",
                "podLabels.team: 'ml platform' is not a valid label value (63 characters of letters, digits, -_.) (for example: podLabels.team: ml-platform)",
                "scheduling.tolerations[0].operator: must be Exists or Equal (for example: operator: Exists)",
                "connectionTest.timeoutSeconds: 5 is not 30 to 900 seconds: the test waits that long for the Service to answer 200; less can fail"
                        + " while its endpoints settle, more keeps a failed deployment waiting (for example: connectionTest.timeoutSeconds: 120)",
                "connectionTest.image: 'ghcr.io/acme/test:1' is not pinned by digest (repository@sha256: and 64 lower-case hex digits);"
                        + " ./mlapi image connection-test <repository> publishes the project's build and prints its reference"
                        + " (for example: connectionTest.image: ghcr.io/acme/mlapi-connection-test@sha256:" + "0123456789abcdef".repeat(4) + ")"),
                error(run).problems().stream().map(Object::toString).toList());
        assertTrue(run.resources().stream().noneMatch(r -> r.type().startsWith("kubernetes:")), () -> "registered " + run.types());
    }

    @Test
    void theNameNamesEveryObjectSoItMustBeADnsLabelThatStartsWithALetter() {
        Run run = run("9-Fraud", valid(Output.of("ghcr.io/acme/fraud-api:2.1.0")).environment("qa").build());
        assertEquals(List.of("name: '9-Fraud' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63) (for example: name: sentiment-api)",
                "name: '9-Fraud' starts with a digit; the Service named after it must start with a letter (for example: name: sentiment-api)",
                "environment: must be one of [dev, staging, production] (for example: environment: dev)"),
                error(run).problems().stream().map(Object::toString).toList());
    }

    @Test
    void aMissingRequiredArgIsNamedWithTheOthers() {
        Run run = run(valid(Output.of("ghcr.io/acme/fraud-api:2.1.0")).probes(null).service(ServiceArgs.builder().type("ClusterIP").build()).build());
        assertEquals(List.of("service.port: is required (for example: service.port: ...)", "probes: is required (for example: probes: ...)"),
                error(run).problems().stream().map(Object::toString).toList());
    }

    @Test
    void anImageFromAnotherResourceIsCheckedOnceKnownAndFailsTheComponent() {
        // An output, as an image build gives one: the component checks its value in an apply.
        Output<String> built = Output.of("ghcr.io/acme/fraud-api").applyValue(repository -> repository + ":latest");
        Run run = run(valid(built).build());

        assertEquals(List.of("image.reference: 'ghcr.io/acme/fraud-api:latest' can point at a different image tomorrow; staging needs a digest or an"
                        + " immutable version tag (for example: image.reference: ghcr.io/acme/sentiment-api@sha256:" + "0123456789abcdef".repeat(4)
                        + " or ghcr.io/acme/sentiment-api:1.4.2)"),
                error(run).problems().stream().map(Object::toString).toList());
        assertFalse(run.resources().stream().anyMatch(r -> r.type().equals("kubernetes:apps/v1:Deployment")), "no Deployment runs a refused image");
    }

    @Test
    void eachSecretHasOneTargetAndOneSource() {
        Run run = run(valid(Output.of("ghcr.io/acme/fraud-api:2.1.0"))
                .secrets(SecretArgs.builder().name("api-token").env("API_TOKEN").mountPath("/var/run/secrets/api").build(),
                        SecretArgs.builder().name("db-password").env("DB_PASSWORD").value(Output.ofSecret("s3cret"))
                                .awsSecretsManager(AwsSecretArgs.builder().secretId("ml/fraud/db").build()).build(),
                        SecretArgs.builder().name("signing-key").mountPath("/var/run/secrets/signing")
                                .sealed(SealedArgs.builder().encryptedData("not sealed").build()).build())
                .externalSecrets(ExternalSecretsArgs.builder().storeKind("ClusterSecretStore").clusterStoreName("aws").refreshInterval("1h").build())
                .build());

        assertEquals(List.of(
                "secrets[0]: takes exactly one of env (a variable) or mountPath (a folder for a file) (for example: env: MODEL_REGISTRY_TOKEN)",
                "secrets[0]: takes exactly one source: value (a secret output), awsSecretsManager or sealed"
                        + " (for example: awsSecretsManager: {secretId: ml/sentiment/registry-token})",
                "secrets[1]: takes exactly one source: value (a secret output), awsSecretsManager or sealed"
                        + " (for example: awsSecretsManager: {secretId: ml/sentiment/registry-token})",
                "secrets[1].env: an env var keeps the old value after AWS Secrets Manager rotates it, until the pods restart; read it from a file"
                        + " the operator keeps current (for example: mountPath: /var/run/secrets/db-password)",
                "secrets[2].sealed.encryptedData: is not a sealed value; seal it with kubeseal --scope strict for the namespace and the Secret"
                        + " MlApi.sealedSecretName gives (for example: sealed: {encryptedData: AgBy3i4OJSWK+PiTySYZZA...})"),
                error(run).problems().stream().map(Object::toString).toList());
        assertFalse(error(run).getMessage().contains("s3cret"), "a secret value never reaches the message");
    }

    @Test
    void aRoleFromAnotherResourceIsCheckedOnceKnown() {
        Output<String> role = Output.of("sentiment-api-secrets").applyValue(name -> "arn:aws:iam::123456789012:user/" + name);
        Run run = run(valid(Output.of("ghcr.io/acme/fraud-api:2.1.0"))
                .secrets(SecretArgs.builder().name("db-password").mountPath("/var/run/secrets/db")
                        .awsSecretsManager(AwsSecretArgs.builder().secretId("ml/fraud/db").build()).build())
                .externalSecrets(ExternalSecretsArgs.builder().storeKind("SecretStore").region("eu-west-1").roleArn(role).refreshInterval("1h").build())
                .build());

        assertEquals(List.of("externalSecrets.roleArn: 'arn:aws:iam::123456789012:user/sentiment-api-secrets' is not an IAM role ARN"
                        + " (for example: externalSecrets.roleArn: arn:aws:iam::123456789012:role/sentiment-api-secrets)"),
                error(run).problems().stream().map(Object::toString).toList());
        assertTrue(run.ofType("kubernetes:core/v1:ServiceAccount").stream().noneMatch(r -> r.at("/metadata/name").endsWith("secret-store")),
                "no ServiceAccount assumes a refused role");
    }

    @Test
    void theStackFileProgramNamesItsOwnKeysInExamples() {
        MlApiArgsRules rules = new MlApiArgsRules(path -> "mlapi:" + path);
        rules.container().shutdown(ShutdownArgs.builder().drainSeconds(30).gracePeriodSeconds(20).build());
        assertEquals(List.of(new ArgsProblem("shutdown.gracePeriodSeconds", "must be longer than shutdown.drainSeconds (30), or the pod is killed"
                + " before the server can finish its requests", "mlapi:shutdown.gracePeriodSeconds: 60")), rules.problems());
    }
}
