package dev.mlapi.config;

import com.pulumi.Context;
import com.pulumi.core.Output;
import dev.mlapi.components.MlApiArgs;
import dev.mlapi.components.inputs.AutoscalingArgs;
import dev.mlapi.components.inputs.AwsSecretArgs;
import dev.mlapi.components.inputs.ConfigFilesArgs;
import dev.mlapi.components.inputs.ConnectionTestArgs;
import dev.mlapi.components.inputs.DisruptionBudgetArgs;
import dev.mlapi.components.inputs.ExternalSecretsArgs;
import dev.mlapi.components.inputs.ImageArgs;
import dev.mlapi.components.inputs.IngressArgs;
import dev.mlapi.components.inputs.LabelArgs;
import dev.mlapi.components.inputs.ManagedAwsArgs;
import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import dev.mlapi.components.inputs.NamespaceArgs;
import dev.mlapi.components.inputs.NetworkPolicyArgs;
import dev.mlapi.components.inputs.NodeRequirementArgs;
import dev.mlapi.components.inputs.ProbesArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
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
import java.util.Map;

/**
 * The one place where a stack's config becomes the component's args: each key of the stack file
 * maps to the args field of the same name (a map becomes a list of name/value args), a
 * stack-config secret becomes its value as a secret output, and the connection test's revision is
 * the whole config, so that any change of the stack runs it again.
 */
public final class StackArgs {
    private StackArgs() {}

    /** The args of the stack the program runs, with the values of its encrypted keys as secret outputs. */
    public static MlApiArgs of(Context ctx, MlApiConfig config) {
        return of(config, SecretValues.of(ctx, config), SecretValues.awsInitialValues(ctx, config));
    }

    /**
     * @param secretValues the value of each stack-config secret, by secret name
     * @param awsInitialValues the first value of each AWS secret the stack creates, by secret name
     */
    public static MlApiArgs of(MlApiConfig c, Map<String, Output<String>> secretValues, Map<String, Output<String>> awsInitialValues) {
        var args = MlApiArgs.builder()
                .environment(c.environment().id())
                .namespace(NamespaceArgs.builder().name(c.namespace().name()).create(c.namespace().create()).build())
                                .replicas(c.replicas())
                .resources(resources(c.resources()))
                .port(c.port())
                .service(ServiceArgs.builder().type(c.service().type()).port(c.service().port()).build())
                .probes(probes(c.probes()))
                .shutdown(ShutdownArgs.builder().drainSeconds(c.shutdown().drainSeconds()).gracePeriodSeconds(c.shutdown().gracePeriodSeconds()).build())
                .env(values(c.env()))
                .secrets(c.secrets().stream().map(s -> secret(s, secretValues, awsInitialValues)).toList())
                .externalSecrets(externalSecrets(c.externalSecrets()))
                .autoscaling(autoscaling(c.autoscaling()))
                .disruptionBudget(DisruptionBudgetArgs.builder().enabled(c.disruptionBudget().enabled())
                        .minAvailable(c.disruptionBudget().minAvailable()).maxUnavailable(c.disruptionBudget().maxUnavailable()).build())
                .podAnnotations(values(c.podAnnotations()))
                .podLabels(labels(c.podLabels()))
                .scheduling(scheduling(c.scheduling()))
                .serviceAccount(ServiceAccountArgs.builder().create(c.serviceAccount().create()).name(c.serviceAccount().name())
                        .annotations(values(c.serviceAccount().annotations())).automountToken(c.serviceAccount().automountToken()).build())
                .ingress(ingress(c.ingress()))
                .networkPolicy(NetworkPolicyArgs.builder().enabled(c.networkPolicy().enabled())
                        .allowFromNamespaces(c.networkPolicy().allowFromNamespaces()).build())
                .connectionTest(ConnectionTestArgs.builder().enabled(c.connectionTest().enabled()).path(c.connectionTest().path())
                        .timeoutSeconds(c.connectionTest().timeoutSeconds()).image(c.connectionTest().image()).revision(c.toString()).build())
                .securityContext(SecurityContextArgs.builder().runAsUser(c.securityContext().runAsUser())
                        .runAsGroup(c.securityContext().runAsGroup()).fsGroup(c.securityContext().fsGroup()).build());
        // A config without an image fails validation; its other args are still checked.
        if (c.image() != null) {
            args.image(ImageArgs.builder().reference(c.image().reference()).pullPolicy(c.image().pullPolicy()).pullSecrets(c.image().pullSecrets())
                    // The tag a pinned digest was taken from still names the build.
                    .version(c.image().tag()).build());
        }
        if (c.configMap() != null) {
            args.configMap(ConfigFilesArgs.builder().data(values(c.configMap().data())).mountPath(c.configMap().mountPath()).build());
        }
        if (c.modelCache() != null) {
            MlApiConfig.ModelCache m = c.modelCache();
            args.modelCache(ModelCacheArgs.builder().mountPath(m.mountPath()).sizeLimit(m.sizeLimit()).existingClaim(m.existingClaim()).readOnly(m.readOnly()).build());
        }
        return args.build();
    }

    private static ResourcesArgs resources(MlApiConfig.Resources r) {
        return ResourcesArgs.builder().requests(quantities(r.requests())).limits(quantities(r.limits())).gpu(r.gpu()).build();
    }

    private static QuantitiesArgs quantities(MlApiConfig.Quantities q) {
        return q == null ? null : QuantitiesArgs.builder().cpu(q.cpu()).memory(q.memory()).ephemeralStorage(q.ephemeralStorage()).build();
    }

    private static ProbesArgs probes(MlApiConfig.Probes p) {
        return ProbesArgs.builder().livenessPath(p.livenessPath()).readinessPath(p.readinessPath()).startupPath(p.startupPath())
                .periodSeconds(p.periodSeconds()).startupPeriodSeconds(p.startupPeriodSeconds()).timeoutSeconds(p.timeoutSeconds()).failureThreshold(p.failureThreshold())
                .modelLoadTimeoutSeconds(p.modelLoadTimeoutSeconds()).build();
    }

    private static SecretArgs secret(MlApiConfig.SecretRef s, Map<String, Output<String>> secretValues, Map<String, Output<String>> awsInitialValues) {
        var secret = SecretArgs.builder().name(s.name()).env(s.env()).mountPath(s.mountPath());
        if (s.source() != null) {
            s.source().visit(key -> secret.value(secretValues.get(s.name())),
                    aws -> secret.awsSecretsManager(AwsSecretArgs.builder().secretId(aws.secretId()).property(aws.property())
                            .versionStage(aws.versionStage()).initialValue(awsInitialValues.get(s.name())).build()),
                    sealed -> secret.sealed(SealedArgs.builder().encryptedData(sealed.encryptedData()).build()));
        }
        return secret.build();
    }

    private static ExternalSecretsArgs externalSecrets(MlApiConfig.ExternalSecrets es) {
        var args = ExternalSecretsArgs.builder().storeKind(es.storeKind()).clusterStoreName(es.clusterStoreName()).region(es.region())
                .refreshInterval(es.refreshInterval());
        if (es.roleArn() != null) {
            args.roleArn(es.roleArn());
        }
        if (es.manageAws() != null) {
            args.manageAws(ManagedAwsArgs.builder().oidcProviderArn(es.manageAws().oidcProviderArn()).kmsKeyArn(es.manageAws().kmsKeyArn()).build());
        }
        return args.build();
    }

    private static AutoscalingArgs autoscaling(MlApiConfig.Autoscaling a) {
        return AutoscalingArgs.builder().enabled(a.enabled()).minReplicas(a.minReplicas()).maxReplicas(a.maxReplicas())
                .targetCpuUtilization(a.targetCpuUtilization()).targetMemoryUtilization(a.targetMemoryUtilization()).build();
    }

    private static SchedulingArgs scheduling(MlApiConfig.Scheduling s) {
        return SchedulingArgs.builder().nodeSelector(labels(s.nodeSelector())).tolerations(tolerations(s.tolerations()))
                .requiredNodeAffinity(s.requiredNodeAffinity().stream().map(r -> NodeRequirementArgs.builder().key(r.key()).operator(r.operator())
                        .values(r.values()).build()).toList())
                .spreadAcrossNodes(s.spreadAcrossNodes()).spreadAcrossZones(s.spreadAcrossZones())
                .gpuNodeSelector(labels(s.gpuNodeSelector())).gpuTolerations(tolerations(s.gpuTolerations())).build();
    }

    private static List<TolerationArgs> tolerations(List<MlApiConfig.Toleration> tolerations) {
        return tolerations.stream().map(t -> TolerationArgs.builder().key(t.key()).operator(t.operator()).value(t.value())
                .effect(t.effect()).tolerationSeconds(t.tolerationSeconds()).build()).toList();
    }

    private static IngressArgs ingress(MlApiConfig.Ingress in) {
        return IngressArgs.builder().enabled(in.enabled()).className(in.className()).host(in.host()).path(in.path())
                .tlsSecret(in.tlsSecret()).annotations(values(in.annotations())).build();
    }

    private static List<NamedValueArgs> values(Map<String, String> entries) {
        // A YAML null is kept for validation to name; it never reaches the component.
        return entries.entrySet().stream().map(e -> NamedValueArgs.builder().name(e.getKey()).value(Output.ofNullable(e.getValue())).build()).toList();
    }

    private static List<LabelArgs> labels(Map<String, String> entries) {
        return entries.entrySet().stream().map(e -> LabelArgs.builder().name(e.getKey()).value(e.getValue()).build()).toList();
    }
}
