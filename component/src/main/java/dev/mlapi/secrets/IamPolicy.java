package dev.mlapi.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IAM policies built from typed grants, in the style of the AWS CDK's {@code secret.grantRead}:
 * each grant states what it allows and under which conditions, and the JSON is rendered from
 * it in one fixed order, so no hand-written document can drop a condition or reorder into a diff.
 */
public record IamPolicy(List<Statement> statements) {
    private static final JsonMapper JSON = new JsonMapper();

    /** A condition of a statement: {@code operator} (StringEquals...) on {@code key}, any of {@code values}. */
    public record Condition(String operator, String key, List<String> values) {}

    /** One Allow statement: actions on resources, or for a federated principal, when every condition holds. */
    public record Statement(List<String> actions, List<String> resources, Optional<String> federatedPrincipal, List<Condition> conditions) {
        Map<String, Object> render() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Effect", "Allow");
            federatedPrincipal.ifPresent(p -> out.put("Principal", Map.of("Federated", p)));
            out.put("Action", actions);
            if (!resources.isEmpty()) {
                out.put("Resource", resources);
            }
            if (!conditions.isEmpty()) {
                Map<String, Map<String, Object>> byOperator = new LinkedHashMap<>();
                conditions.forEach(c -> byOperator.computeIfAbsent(c.operator(), o -> new LinkedHashMap<>())
                        .put(c.key(), c.values()));
                out.put("Condition", byOperator);
            }
            return out;
        }
    }

    /**
     * Reading exactly these secrets: their values, and, when they are encrypted with a key of
     * one's own, decrypting with it only when Secrets Manager in their region asks, for them
     * (kms:ViaService and the SecretARN it puts in the encryption context).
     */
    public static IamPolicy readSecrets(List<String> secretArns, Optional<String> kmsKeyArn, String region) {
        List<Statement> statements = new ArrayList<>();
        statements.add(new Statement(List.of("secretsmanager:GetSecretValue"), secretArns, Optional.empty(), List.of()));
        kmsKeyArn.ifPresent(key -> statements.add(new Statement(List.of("kms:Decrypt"), List.of(key), Optional.empty(), List.of(
                new Condition("StringEquals", "kms:ViaService", List.of("secretsmanager." + region + ".amazonaws.com")),
                new Condition("StringEquals", "kms:EncryptionContext:SecretARN", secretArns)))));
        return new IamPolicy(statements);
    }

    /**
     * A role's trust: assumable through the cluster's OIDC provider (IRSA) by one Kubernetes
     * ServiceAccount's tokens, issued for STS, and by nothing else.
     */
    public static IamPolicy assumedByServiceAccount(String oidcProviderArn, String namespace, String serviceAccount) {
        String issuer = oidcProviderArn.substring(oidcProviderArn.indexOf("oidc-provider/") + "oidc-provider/".length());
        return new IamPolicy(List.of(new Statement(List.of("sts:AssumeRoleWithWebIdentity"), List.of(), Optional.of(oidcProviderArn), List.of(
                new Condition("StringEquals", issuer + ":sub", List.of("system:serviceaccount:" + namespace + ":" + serviceAccount)),
                new Condition("StringEquals", issuer + ":aud", List.of("sts.amazonaws.com"))))));
    }

    public String json() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", statements.stream().map(Statement::render).toList());
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
