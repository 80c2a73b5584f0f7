package dev.mlapi.config;

import dev.mlapi.components.KubernetesNames;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The rules of the identity the pods run as that depend on what the stack file states (the
 * Service, ingress and network policy rules are the component's: MlApiArgsRules).
 */
final class AccessRules extends ConfigRules {

    AccessRules(String stack, JsonNode stated, List<ConfigProblem> problems) {
        super(stack, stated, problems);
    }

    void serviceAccount(MlApiConfig.ServiceAccount sa) {
        check(sa.create() || stated.path("serviceAccount").has("name"), "serviceAccount.name",
                "names the existing ServiceAccount to use when serviceAccount.create is false", "mlapi:serviceAccount.name: sentiment-api-runner");
        if (stated.path("serviceAccount").has("name")) {
            check(KubernetesNames.isDnsSubdomain(sa.name()), "serviceAccount.name", "'" + sa.name() + "' is not a valid ServiceAccount name", "mlapi:serviceAccount.name: sentiment-api");
        }
    }
}
