package dev.mlapi.components;

import com.pulumi.core.Output;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarArgs;
import com.pulumi.kubernetes.core.v1.inputs.EnvVarSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.KeyToPathArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretKeySelectorArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecretVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;
import dev.mlapi.config.KubernetesNames;
import dev.mlapi.config.MlApiConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each of the API's secrets lives and how it reaches the container. Each source has its
 * own Kubernetes Secret: the stack's own for stack-config values ({@link AppSecret}), the one the
 * External Secrets Operator writes for AWS entries ({@link AppExternalSecrets}), the one the
 * Sealed Secrets controller writes for sealed values ({@link AppSealedSecrets}). A secret reaches
 * the container as an env var from its Secret, or as a file in a volume of its folder and Secret.
 */
final class SecretRouting {
    static final String SEALED_ENV_REVISION = "mlapi.dev/sealed-env-revision";
    private static final String SECRET_VOLUME = "secrets";

    private final MlApiConfig config;
    private final Optional<Output<String>> stackConfigObject;
    private final Optional<Output<String>> awsObject;
    private final Optional<Output<String>> sealedObject;

    private SecretRouting(MlApiConfig config, Optional<Output<String>> stackConfigObject, Optional<Output<String>> awsObject,
                          Optional<Output<String>> sealedObject) {
        this.config = config;
        this.stackConfigObject = stackConfigObject;
        this.awsObject = awsObject;
        this.sealedObject = sealedObject;
    }

    /** Creates the objects that hold the secrets, and what reads AWS for them. */
    static SecretRouting create(AppScope scope, MlApiArgs args) {
        Optional<Output<String>> awsRole = AppAwsAccess.create(scope, args.awsInitialValues());
        Optional<Output<String>> storeAccount = AppSecretStoreAccount.create(scope, awsRole);
        Optional<Output<String>> stackConfig = AppSecret.create(scope, args.secretValues());
        Optional<Output<String>> aws = AppExternalSecrets.create(scope, AppSecretStore.create(scope, storeAccount));
        Optional<Output<String>> sealed = AppSealedSecrets.create(scope);
        return new SecretRouting(scope.config(), stackConfig, aws, sealed);
    }

    /** The variables of the secrets read as env vars, in the config's order. */
    List<EnvVarArgs> env() {
        return config.secrets().stream().filter(s -> s.env() != null)
                .map(s -> EnvVarArgs.builder().name(s.env()).valueFrom(EnvVarSourceArgs.builder()
                        .secretKeyRef(SecretKeySelectorArgs.builder().name(objectOf(s)).key(s.name()).build()).build()).build())
                .toList();
    }

    /** A volume for each folder of secret files and Secret object, readable by the pod's group only. */
    List<VolumeArgs> volumes() {
        List<VolumeArgs> volumes = new ArrayList<>();
        List<List<MlApiConfig.SecretRef>> folders = folders();
        for (int i = 0; i < folders.size(); i++) {
            List<MlApiConfig.SecretRef> folder = folders.get(i);
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
        List<List<MlApiConfig.SecretRef>> folders = folders();
        for (int i = 0; i < folders.size(); i++) {
            mounts.add(VolumeMountArgs.builder().name(SECRET_VOLUME + "-" + i).mountPath(folders.get(i).get(0).mountPath()).readOnly(true).build());
        }
        return mounts;
    }

    /**
     * The controller updates a sealed Secret in place: mounted files follow, env vars do not. A
     * hash of the sealed (encrypted, already public) values read as env vars changes the pod
     * template when one is resealed, so the pods roll. It says nothing about the plain values.
     */
    Map<String, String> podAnnotations() {
        List<String> sealedEnv = config.secretsBySource().sealed().stream().filter(s -> s.secret().env() != null)
                .map(s -> s.secret().name() + "=" + s.source().encryptedData()).sorted().toList();
        return sealedEnv.isEmpty() ? Map.of()
                : Map.of(SEALED_ENV_REVISION, KubernetesNames.sha256Hex(String.join("\n", sealedEnv)).substring(0, 16));
    }

    private Output<String> objectOf(MlApiConfig.SecretRef secret) {
        return secret.source().match(k -> stackConfigObject, aws -> awsObject, sealed -> sealedObject).orElseThrow();
    }

    /**
     * The secret files by folder and Secret object, ordered by folder, then by object: AWS, stack
     * config, sealed. The order numbers the volumes, so it stays as it was: pods keep their volumes' names.
     */
    private List<List<MlApiConfig.SecretRef>> folders() {
        Map<String, List<MlApiConfig.SecretRef>> files = new TreeMap<>();
        for (MlApiConfig.SecretRef s : config.secrets()) {
            if (s.env() == null) {
                int object = s.source().match(k -> 1, aws -> 0, sealed -> 2);
                files.computeIfAbsent(s.mountPath() + "|" + object, p -> new ArrayList<>()).add(s);
            }
        }
        return List.copyOf(files.values());
    }
}
