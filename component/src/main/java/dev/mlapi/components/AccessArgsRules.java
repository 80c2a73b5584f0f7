package dev.mlapi.components;

import dev.mlapi.components.inputs.ConnectionTestArgs;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** The rules of the API's names and who reaches it: its name, ServiceAccount, ingress, network policy and connection test. */
public final class AccessArgsRules extends ArgsRules {
    // The connection test runs against a Deployment already ready: its Service's endpoints settle in seconds.
    private static final int MIN_CONNECTION_TEST_SECONDS = 30;
    private static final int MAX_CONNECTION_TEST_SECONDS = 900;
    /**
     * A plain prefix: no regex characters, and none of the empty or dot segments the API server
     * refuses. Each segment ends at a / or the end, so a long mismatch fails in linear time.
     */
    private static final Pattern PLAIN_PATH = Pattern.compile("^/(?:(?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+(?:/|$))*$");

    AccessArgsRules(UnaryOperator<String> keys, List<ArgsProblem> problems) {
        super(keys, problems);
    }

    /** The API's name, which names its objects: the Service's among them, which must start with a letter (DNS-1035). */
    public void name(String name) {
        dnsLabel("name", name, "sentiment-api");
        check(name.isEmpty() || !Character.isDigit(name.charAt(0)), "name", "'" + name + "' starts with a digit; the Service named after it must start with a letter",
                example("name", "sentiment-api"));
    }

    /** A name that must be a DNS-1123 label, such as a namespace's. */
    public void dnsLabel(String path, String value, String good) {
        String lookAlike = value.chars().anyMatch(ch -> ch > 127) ? " (it has characters outside ASCII that look like letters)" : "";
        check(KubernetesNames.isDnsLabel(value), path, "'" + value + "' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)" + lookAlike,
                example(path, good));
    }

    /** The annotation keys of the pods' ServiceAccount. */
    public void serviceAccount(MlApiArgs args) {
        annotations("serviceAccount.annotations", args.serviceAccount().annotations());
    }

    public void ingress(MlApiArgs args) {
        var enabled = args.ingress().filter(in -> in.enabled());
        if (enabled.isEmpty()) {
            return;
        }
        var in = enabled.get();
        String host = in.host().orElse(null);
        check(host != null && isIngressHost(host), "ingress.host",
                host == null ? "is required when the ingress is enabled" : "'" + host + "' is not a DNS host name", example("ingress.host", "sentiment.ml.example.com"));
        check(in.path() != null && PLAIN_PATH.matcher(in.path()).matches(), "ingress.path", "'" + in.path() + "' is not a plain path: the Ingress matches"
                + " it as a prefix (pathType Prefix), never as a regex; a / then letters, digits and -._~/", example("ingress.path", "/v1"));
        in.className().ifPresent(name -> check(KubernetesNames.isDnsSubdomain(name), "ingress.className", "is not an IngressClass name",
                example("ingress.className", "nginx")));
        in.tlsSecret().ifPresent(secret -> check(KubernetesNames.isDnsSubdomain(secret), "ingress.tlsSecret", "is not a Secret name",
                example("ingress.tlsSecret", "sentiment-tls")));
        annotations("ingress.annotations", in.annotations());
    }

    /** A DNS name, or one whose first label is a wildcard (the only place Kubernetes takes one). */
    private static boolean isIngressHost(String host) {
        String name = host.startsWith("*.") ? host.substring(2) : host;
        return host.length() <= 253 && KubernetesNames.isDnsSubdomain(name);
    }

    public void networkPolicy(MlApiArgs args) {
        if (args.networkPolicy().isEmpty()) {
            return;
        }
        var policy = args.networkPolicy().get();
        List<String> from = policy.allowFromNamespaces();
        for (int i = 0; i < from.size(); i++) {
            check(KubernetesNames.isDnsLabel(from.get(i)), "networkPolicy.allowFromNamespaces[" + i + "]", "is not a namespace name",
                    example("networkPolicy.allowFromNamespaces", "[ingress-nginx]"));
        }
        boolean ingress = args.ingress().filter(in -> in.enabled()).isPresent();
        if (policy.enabled() && ingress) {
            check(!from.isEmpty(), "networkPolicy.allowFromNamespaces", "lets no ingress controller in, so the ingress could not reach the API;"
                    + " name the controller's namespace", example("networkPolicy.allowFromNamespaces", "[ingress-nginx]"));
        }
        // Outside traffic reaches the pods from node or client addresses, which no namespace selector admits.
        String type = args.service().type();
        if (policy.enabled() && List.of("LoadBalancer", "NodePort").contains(type)) {
            problem("service.type", type + " takes traffic from outside the cluster, which the NetworkPolicy drops"
                    + " (it lets in only the namespace itself and networkPolicy.allowFromNamespaces); use ClusterIP behind the ingress,"
                    + " or turn the policy off", example("service.type", "ClusterIP"));
        }
    }

    /** The test's wait and path, and its image pinned by digest (ttlSecondsAfterFinished is the stack file's). */
    public void connectionTest(MlApiArgs args) {
        if (args.connectionTest().isEmpty()) {
            return;
        }
        ConnectionTestArgs t = args.connectionTest().get();
        Integer timeout = t.timeoutSeconds();
        check(timeout != null && timeout >= MIN_CONNECTION_TEST_SECONDS && timeout <= MAX_CONNECTION_TEST_SECONDS, "connectionTest.timeoutSeconds",
                timeout + " is not " + MIN_CONNECTION_TEST_SECONDS + " to " + MAX_CONNECTION_TEST_SECONDS + " seconds: the test waits that long for the Service"
                        + " to answer 200; less can fail while its endpoints settle, more keeps a failed deployment waiting",
                example("connectionTest.timeoutSeconds", "120"));
        t.path().ifPresent(path -> check(path.startsWith("/"), "connectionTest.path", "must be an HTTP path starting with /",
                example("connectionTest.path", "/selftest")));
    }

    /** The test program's image: a repository pinned by digest. */
    public void connectionTestImage(MlApiArgs args) {
        if (args.connectionTest().isEmpty()) {
            return;
        }
        String image = args.connectionTest().get().image() == null ? "" : args.connectionTest().get().image();
        int at = image.indexOf('@');
        check(at > 0 && MlApiArgsRules.isRepository(image.substring(0, at)) && MlApiArgsRules.isDigest(image.substring(at + 1)), "connectionTest.image",
                "'" + image + "' is not pinned by digest (repository@sha256: and 64 lower-case hex digits); ./mlapi image connection-test <repository>"
                        + " publishes the project's build and prints its reference",
                example("connectionTest.image", "ghcr.io/acme/mlapi-connection-test@sha256:" + "0123456789abcdef".repeat(4)));
    }
}
