package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.KeyToPathArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretKeySelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import dev.mlapi.components.inputs.SecretArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each of the API's secrets lives and how it reaches the container. Each source has its
 * own Kubernetes Secret: the component's own for values given in the args ({@link AppSecret}), the
 * one the External Secrets Operator writes for AWS entries ({@link AppExternalSecrets}), the one the
 * Sealed Secrets controller writes for sealed values ({@link AppSealedSecrets}). A secret reaches
 * the container as an env var from its Secret, or as a file in a volume of its folder and Secret.
 */
final class SecretRouting {
    static final String SEALED_ENV_REVISION = "mlapi.dev/sealed-env-revision";
    private static final String SECRET_VOLUME = "secrets";

    private final List<SecretArgs> secrets;
    private final Optional<Output<String>> valuesObject;
    private final Optional<Output<String>> awsObject;
    private final Optional<Output<String>> sealedObject;

    private SecretRouting(List<SecretArgs> secrets, Optional<Output<String>> valuesObject, Optional<Output<String>> awsObject,
                          Optional<Output<String>> sealedObject) {
        this.secrets = secrets;
        this.valuesObject = valuesObject;
        this.awsObject = awsObject;
        this.sealedObject = sealedObject;
    }

    /** Creates the objects that hold the secrets, and what reads AWS for them. */
    static SecretRouting create(AppScope scope) {
        Optional<Output<String>> awsRole = AppAwsAccess.create(scope);
        Optional<Output<String>> storeAccount = AppSecretStoreAccount.create(scope, awsRole);
        Optional<Output<String>> values = AppSecret.create(scope);
        Optional<Output<String>> aws = AppExternalSecrets.create(scope, AppSecretStore.create(scope, storeAccount));
        Optional<Output<String>> sealed = AppSealedSecrets.create(scope);
        return new SecretRouting(scope.args().secrets(), values, aws, sealed);
    }

    /** The secrets whose value the args give, in the args' order. */
    static List<SecretArgs> withValue(MlApiArgs args) {
        return args.secrets().stream().filter(s -> s.value().isPresent()).toList();
    }

    /** The secrets from AWS Secrets Manager, in the args' order. */
    static List<SecretArgs> fromAws(MlApiArgs args) {
        return args.secrets().stream().filter(s -> s.awsSecretsManager().isPresent()).toList();
    }

    /** The sealed secrets, in the args' order. */
    static List<SecretArgs> sealed(MlApiArgs args) {
        return args.secrets().stream().filter(s -> s.sealed().isPresent()).toList();
    }

    /** The variables of the secrets read as env vars, in the args' order. */
    List<EnvVarArgs> env() {
        return secrets.stream().filter(s -> s.env().isPresent())
                .map(s -> EnvVarArgs.builder().name(s.env().get()).valueFrom(EnvVarSourceArgs.builder()
                        .secretKeyRef(SecretKeySelectorArgs.builder().name(objectOf(s)).key(s.name()).build()).build()).build())
                .toList();
    }

    /** A volume for each folder of secret files and Secret object, readable by the pod's group only. */
    List<VolumeArgs> volumes() {
        List<VolumeArgs> volumes = new ArrayList<>();
        List<List<SecretArgs>> folders = folders();
        for (int i = 0; i < folders.size(); i++) {
            List<SecretArgs> folder = folders.get(i);
            // The kubelet refreshes mounted files when the Secret changes.
            volumes.add(VolumeArgs.builder().name(SECRET_VOLUME + "-" + i).secret(SecretVolumeSourceArgs.builder()
                    .secretName(objectOf(folder.get(0)))
                    .items(folder.stream().map(s -> KeyToPathArgs.builder().key(s.name()).path(s.name()).build()).toList())
                    .defaultMode(0440).build()).build());
        }
        return volumes;
    }

    /** Where each volume of {@link #volumes} is mounted. */
    List<VolumeMountArgs> mounts() {
        List<VolumeMountArgs> mounts = new ArrayList<>();
        List<List<SecretArgs>> folders = folders();
        for (int i = 0; i < folders.size(); i++) {
            mounts.add(VolumeMountArgs.builder().name(SECRET_VOLUME + "-" + i).mountPath(folders.get(i).get(0).mountPath().orElseThrow()).readOnly(true).build());
        }
        return mounts;
    }

    /**
     * The controller updates a sealed Secret in place: mounted files follow, env vars do not. A
     * hash of the sealed (encrypted, already public) values read as env vars changes the pod
     * template when one is resealed, so the pods roll. It says nothing about the plain values.
     */
    Map<String, String> podAnnotations() {
        List<String> sealedEnv = secrets.stream().filter(s -> s.sealed().isPresent() && s.env().isPresent())
                .map(s -> s.name() + "=" + s.sealed().get().encryptedData()).sorted().toList();
        return sealedEnv.isEmpty() ? Map.of()
                : Map.of(SEALED_ENV_REVISION, KubernetesNames.sha256Hex(String.join("\n", sealedEnv)).substring(0, 16));
    }

    private Output<String> objectOf(SecretArgs secret) {
        Optional<Output<String>> object = secret.value().isPresent() ? valuesObject : secret.awsSecretsManager().isPresent() ? awsObject : sealedObject;
        return object.orElseThrow();
    }

    /**
     * The secret files by folder and Secret object, ordered by folder, then by object: AWS, the
     * component's own, sealed. The order numbers the volumes, so it stays as it was: pods keep their volumes' names.
     */
    private List<List<SecretArgs>> folders() {
        Map<String, List<SecretArgs>> files = new TreeMap<>();
        for (SecretArgs s : secrets) {
            if (s.env().isEmpty()) {
                int object = s.awsSecretsManager().isPresent() ? 0 : s.value().isPresent() ? 1 : 2;
                files.computeIfAbsent(s.mountPath().orElseThrow() + "|" + object, p -> new ArrayList<>()).add(s);
            }
        }
        return List.copyOf(files.values());
    }
}
