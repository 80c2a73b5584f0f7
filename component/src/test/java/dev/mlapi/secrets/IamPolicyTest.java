package dev.mlapi.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The documents the typed grants render, whole: what the role may do, and under which conditions. */
class IamPolicyTest {
    private static final String DB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/db-AbCdEf";
    private static final String HUB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ml/hub-GhIjKl";
    private static final String KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    @Test
    void readingSecretsDecryptsWithTheirKeyOnlyThroughSecretsManagerAndForThem() {
        assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"secretsmanager:GetSecretValue\"],\"Resource\":[\"" + DB + "\",\"" + HUB + "\"]},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"kms:Decrypt\"],\"Resource\":[\"" + KEY + "\"],\"Condition\":{\"StringEquals\":{"
                + "\"kms:ViaService\":[\"secretsmanager.eu-west-1.amazonaws.com\"],\"kms:EncryptionContext:SecretARN\":[\"" + DB + "\",\"" + HUB + "\"]}}}]}",
                IamPolicy.readSecrets(List.of(DB, HUB), Optional.of(KEY), "eu-west-1").json());
    }

    @Test
    void secretsUnderTheAwsManagedKeyNeedNoKmsGrant() {
        assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Action\":[\"secretsmanager:GetSecretValue\"],\"Resource\":[\"" + DB + "\"]}]}",
                IamPolicy.readSecrets(List.of(DB), Optional.empty(), "eu-west-1").json());
    }

    @Test
    void theRoleIsAssumedByOneServiceAccountsTokensForSts() {
        String provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
        String issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
        assertEquals("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + provider + "\"},"
                        + "\"Action\":[\"sts:AssumeRoleWithWebIdentity\"],\"Condition\":{\"StringEquals\":{"
                        + "\"" + issuer + ":sub\":[\"system:serviceaccount:sentiment-api-prod:sentiment-api-secret-store\"],"
                        + "\"" + issuer + ":aud\":[\"sts.amazonaws.com\"]}}}]}",
                IamPolicy.assumedByServiceAccount(provider, "sentiment-api-prod", "sentiment-api-secret-store").json());
    }
}
