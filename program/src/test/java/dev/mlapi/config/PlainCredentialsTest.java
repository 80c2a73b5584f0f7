package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which plain env values the loader takes for credentials: by the variable's name, or by a
 * password inside a URL. Names of settings that only mention tokens or keys stay allowed.
 */
class PlainCredentialsTest {
    @ParameterizedTest(name = "{0}={1} refused: {2}")
    @CsvSource(delimiter = '|', value = {
            "DB_PASSWORD          | hunter2                                  | true",
            "PGPASSWORD           | hunter2                                  | true",
            "SSH_PASSPHRASE       | correct horse                            | true",
            "CLIENT_SECRET        | abc                                      | true",
            "JWT_SECRET_VALUE     | abc                                      | true",
            "HF_TOKEN             | hf_abc                                   | true",
            "TOKEN                | abc                                      | true",
            "WANDB_KEY            | abc                                      | true",
            "OPENAI_API_KEY       | sk-abc                                   | true",
            "AWS_SECRET_ACCESS_KEY| abc                                      | true",
            "APIKEY               | abc                                      | true",
            "API_KEY_PROD         | abc                                      | true",
            "PRIVATE_KEY_PEM      | abc                                      | true",
            "GOOGLE_CREDENTIALS   | {}                                       | true",
            "SENTRY_DSN           | https://abc@o1.ingest.sentry.io/1        | true",
            "DSN                  | abc                                      | true",
            "DATABASE_URL         | postgres://app:hunter2@db:5432/features  | true",
            "MLFLOW_TRACKING_URI  | https://ml:pw@mlflow.internal            | true",
            "REDIS                | redis://:hunter2@cache:6379/0            | true",
            // Not credentials: limits and identifiers that mention tokens or keys, public keys, URLs without a password.
            "MAX_TOKENS           | 512                                      | false",
            "MAX_NEW_TOKENS       | 256                                      | false",
            "TOKENIZER_NAME       | bert-base-uncased                        | false",
            "TOKEN_LIMIT          | 4096                                     | false",
            "AWS_ACCESS_KEY_ID    | AKIAIOSFODNN7EXAMPLE                     | false",
            "KMS_KEY_ARN          | arn:aws:kms:eu-west-1:1:key/x            | false",
            "JWT_PUBLIC_KEY       | -----BEGIN PUBLIC KEY-----               | false",
            "MODEL_URL            | https://huggingface.co/bert-base         | false",
            "DATABASE_URL         | postgres://app@db:5432/features          | false",
            "MONKEY               | banana                                   | false",
            "LOG_LEVEL            | debug                                    | false",
    })
    void credentialsAreTakenByNameOrByAPasswordInAUrl(String name, String value, boolean refused) {
        Map<String, String> env = new TreeMap<>(Map.of(name, value));
        var config = StackConfigLoader.load(ConfigSource.of("dev", Set.of("name", "image"), Set.of(), key -> java.util.Optional.of(
                key.equals("name") ? "sentiment-api" : "{\"repository\":\"ghcr.io/acme/sentiment-api\",\"tag\":\"1.0.0\"}")));
        var problems = new ConfigValidator("dev", new com.fasterxml.jackson.databind.node.ObjectNode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance), Set.of(), Set.of())
                .validate(withEnv(config, env)).stream().filter(p -> p.key().equals("env." + name)).toList();
        assertEquals(refused, !problems.isEmpty(), problems.toString());
    }

    private static MlApiConfig withEnv(MlApiConfig c, Map<String, String> env) {
        var components = MlApiConfig.class.getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                values[i] = components[i].getName().equals("env") ? env : components[i].getAccessor().invoke(c);
            }
            return MlApiConfig.class.getDeclaredConstructor(java.util.Arrays.stream(components).map(java.lang.reflect.RecordComponent::getType)
                    .toArray(Class<?>[]::new)).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
