package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each form of a secrets entry in the stack file binds to its source; the entry's text keeps the stack file's form. */
class SecretSourceTest {
    private static final String SEALED = "AgB" + "x9Qz".repeat(20);

    private static MlApiConfig load(String secrets) {
        Map<String, String> values = Map.of(
                "name", "sentiment-api",
                "image", "{repository: ghcr.io/acme/sentiment-api, tag: \"1.0.0\"}",
                "externalSecrets", "{region: eu-west-1, roleArn: \"arn:aws:iam::123456789012:role/x\"}",
                "secrets", secrets,
                "registryToken", "a value");
        return StackConfigLoader.load(ConfigSource.of("dev", values.keySet(), Set.of("registryToken"), key -> Optional.ofNullable(values.get(key))));
    }

    @Test
    void eachKeyOfAnEntryBindsToItsSource() {
        List<MlApiConfig.SecretRef> secrets = load("[{name: token, env: TOKEN, stackConfig: registryToken},"
                + " {name: db, mountPath: /var/run/secrets/db, awsSecretsManager: {secretId: ml/db, property: password}},"
                + " {name: hub, mountPath: /var/run/secrets/hub, sealed: {encryptedData: \"" + SEALED + "\"}}]").secrets();

        assertEquals(new SecretSource.StackConfig("registryToken"), secrets.get(0).source());
        assertEquals(new SecretSource.AwsSecret("ml/db", "password", null, null), secrets.get(1).source());
        assertEquals(new SecretSource.Sealed(SEALED), assertInstanceOf(SecretSource.Sealed.class, secrets.get(2).source()));
        assertEquals(List.of("token"), load("[{name: token, env: TOKEN, stackConfig: registryToken}]").secretsBySource().stackConfig().stream()
                .map(s -> s.secret().name()).toList());
    }

    /** The connection test's Job is named by a hash of the config's text: the stack file's form keeps the name. */
    @Test
    void anEntryReadsAsTheStackFileStatesIt() {
        List<MlApiConfig.SecretRef> secrets = load("[{name: token, env: TOKEN, stackConfig: registryToken},"
                + " {name: db, mountPath: /var/run/secrets/db, awsSecretsManager: {secretId: ml/db, property: password}}]").secrets();

        assertEquals("SecretRef[name=token, env=TOKEN, mountPath=null, stackConfig=registryToken, awsSecretsManager=null, sealed=null]",
                secrets.get(0).toString());
        assertEquals("SecretRef[name=db, env=null, mountPath=/var/run/secrets/db, stackConfig=null,"
                + " awsSecretsManager=AwsSecret[secretId=ml/db, property=password, versionStage=null, valueFrom=null], sealed=null]", secrets.get(1).toString());
    }
}
