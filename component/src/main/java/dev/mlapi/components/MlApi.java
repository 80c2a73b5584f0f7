package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Export;
import com.pulumi.kubernetes.apps.v1.Deployment;
import com.pulumi.kubernetes.core.v1.Service;
import com.pulumi.resources.ComponentResource;
import com.pulumi.resources.ComponentResourceOptions;
import java.util.Map;
import java.util.Optional;

/**
 * A Python ML inference API on Kubernetes: its namespace, identity, config, pods, Service,
 * scaling, disruption budget, optional ingress, and a connection test that runs after each change.
 */
public final class MlApi extends ComponentResource {
    @Export(name = "namespace", refs = String.class)
    private final Output<String> namespace;
    @Export(name = "serviceName", refs = String.class)
    private final Output<String> serviceName;
    @Export(name = "url", refs = String.class)
    private final Output<String> url;
    @Export(name = "image", refs = String.class)
    private final Output<String> image;
    @Export(name = "portForwardCommand", refs = String.class)
    private final Output<String> portForwardCommand;
    @Export(name = "logsCommand", refs = String.class)
    private final Output<String> logsCommand;

    /**
     * @param name the API's name, which names its objects: a DNS label that starts with a letter
     * @param given what the API is built from ({@link MlApiDefaults#apply} completes it from the defaults); checked whole before anything is created
     */
    public MlApi(String name, MlApiArgs given, ComponentResourceOptions options) {
        super("mlapi:index:MlApi", name, null, options);
        MlApiArgs args = MlApiDefaults.forComponent(given);
        MlApiArgsRules.check(name, args);
        Output<String> image = MlApiArgsRules.checkedImage(name, args);
        String stack = com.pulumi.deployment.Deployment.getInstance().getStackName();
        AppLabels labels = new AppLabels(name, stack, args.environment(), image, args.image().version());
        AppScope scope = new AppScope(args, image, labels, AppNamespace.create(name, args, labels, this), this);

        SecretRouting secrets = SecretRouting.create(scope);
        Output<String> serviceAccount = AppServiceAccount.create(scope);
        Optional<Output<String>> configMap = AppConfigMap.create(scope);
        Deployment deployment = AppDeployment.create(scope, serviceAccount, configMap, secrets);
        Service service = AppService.create(scope, deployment);
        AppAutoscaler.create(scope, deployment);
        AppDisruptionBudget.create(scope, deployment);
        AppIngress.create(scope, service);
        AppNetworkPolicy.create(scope);
        ConnectionTest.create(scope, service, deployment);

        int servicePort = args.service().port();
        this.namespace = scope.namespace();
        this.serviceName = service.metadata().applyValue(m -> m.name().orElse(labels.name()));
        this.url = Output.tuple(serviceName, namespace).applyValue(t -> AppLabels.serviceUrl(t.t1, t.t2, servicePort));
        this.image = image;
        this.portForwardCommand = Output.tuple(serviceName, namespace).applyValue(t ->
                "kubectl --namespace " + t.t2 + " port-forward service/" + t.t1 + " " + args.port() + ":" + servicePort);
        this.logsCommand = namespace.applyValue(ns ->
                "kubectl --namespace " + ns + " logs deployment/" + labels.name() + " --container " + AppDeployment.CONTAINER + " --follow");
        registerOutputs(outputs());
    }

    /** The name of the Secret that sealed values of the API called {@code name} are bound to ({@code kubeseal --name}). */
    public static String sealedSecretName(String name) {
        return AppSealedSecrets.objectName(name);
    }

    /** What a user needs after a deployment, in place of the chart's NOTES. */
    public Map<String, Output<?>> outputs() {
        return Map.of(
                "namespace", namespace,
                "serviceName", serviceName,
                "url", url,
                "image", image,
                "portForwardCommand", portForwardCommand,
                "logsCommand", logsCommand);
    }
}
