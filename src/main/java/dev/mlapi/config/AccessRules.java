package dev.mlapi.config;

import dev.mlapi.components.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/** The rules of who reaches the API and as whom: its Service, ingress, network policy and ServiceAccount. */
final class AccessRules extends ConfigRules {
    private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer");
    /**
     * A plain prefix: no regex characters, and none of the empty or dot segments the API server
     * refuses. Each segment ends at a / or the end, so a long mismatch fails in linear time.
     */
    private static final Pattern PLAIN_PATH = Pattern.compile("^/(?:(?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+(?:/|$))*$");

    AccessRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        super(stack, stated, problems);
    }

    void service(MlApiConfig.Service s) {
        check(SERVICE_TYPES.contains(s.type()), "service.type", "must be one of " + SERVICE_TYPES, "mlapi:service.type: ClusterIP");
        port("service.port", s.port(), "mlapi:service.port: 80");
    }

    void serviceAccount(MlApiConfig.ServiceAccount sa) {
        check(sa.create() || stated.path("serviceAccount").has("name"), "serviceAccount.name",
                "names the existing ServiceAccount to use when serviceAccount.create is false", "mlapi:serviceAccount.name: sentiment-api-runner");
        if (stated.path("serviceAccount").has("name")) {
            check(KubernetesNames.isDnsSubdomain(sa.name()), "serviceAccount.name", "'" + sa.name() + "' is not a valid ServiceAccount name", "mlapi:serviceAccount.name: sentiment-api");
        }
        metadata("serviceAccount.annotations", sa.annotations(), false);
    }

    void ingress(MlApiConfig.Ingress in) {
        if (!in.enabled()) {
            return;
        }
        check(in.host() != null && isIngressHost(in.host()), "ingress.host",
                in.host() == null ? "is required when the ingress is enabled" : "'" + in.host() + "' is not a DNS host name", "mlapi:ingress.host: sentiment.ml.example.com");
        check(in.path() != null && PLAIN_PATH.matcher(in.path()).matches(), "ingress.path", "'" + in.path() + "' is not a plain path: the Ingress matches"
                + " it as a prefix (pathType Prefix), never as a regex; a / then letters, digits and -._~/", "mlapi:ingress.path: /v1");
        if (in.className() != null) {
            check(KubernetesNames.isDnsSubdomain(in.className()), "ingress.className", "is not an IngressClass name", "mlapi:ingress.className: nginx");
        }
        if (in.tlsSecret() != null) {
            check(KubernetesNames.isDnsSubdomain(in.tlsSecret()), "ingress.tlsSecret", "is not a Secret name", "mlapi:ingress.tlsSecret: sentiment-tls");
        }
        metadata("ingress.annotations", in.annotations(), false);
    }

    /** A DNS name, or one whose first label is a wildcard (the only place Kubernetes takes one). */
    private static boolean isIngressHost(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return host.length() <= 253 && KubernetesNames.isDnsSubdomain(name);
    }

    void networkPolicy(MlApiConfig c) {
        List<String> from = c.networkPolicy().allowFromNamespaces();
        for (int i = 0; i < from.size(); i++) {
            check(KubernetesNames.isDnsLabel(from.get(i)), "networkPolicy.allowFromNamespaces[" + i + "]", "is not a namespace name",
                    "mlapi:networkPolicy.allowFromNamespaces: [ingress-nginx]");
        }
        if (c.networkPolicy().enabled() && c.ingress().enabled()) {
            check(!from.isEmpty(), "networkPolicy.allowFromNamespaces", "lets no ingress controller in, so the ingress could not reach the API;"
                    + " name the controller's namespace", "mlapi:networkPolicy.allowFromNamespaces: [ingress-nginx]");
        }
        // Outside traffic reaches the pods from node or client addresses, which no namespace selector admits.
        if (c.networkPolicy().enabled() && List.of("LoadBalancer", "NodePort").contains(c.service().type())) {
            problems.add(problem("service.type", c.service().type() + " takes traffic from outside the cluster, which the NetworkPolicy drops"
                    + " (it lets in only the namespace itself and networkPolicy.allowFromNamespaces); use ClusterIP behind the ingress,"
                    + " or turn the policy off", "mlapi:service.type: ClusterIP"));
        }
    }
}
