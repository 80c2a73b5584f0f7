package dev.mlapi.components;

import com.pulumi.kubernetes.core.v1.inputs.CapabilitiesArgs;
import com.pulumi.kubernetes.core.v1.inputs.EmptyDirVolumeSourceArgs;
import com.pulumi.kubernetes.core.v1.inputs.PodSecurityContextArgs;
import com.pulumi.kubernetes.core.v1.inputs.SeccompProfileArgs;
import com.pulumi.kubernetes.core.v1.inputs.SecurityContextArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeArgs;
import com.pulumi.kubernetes.core.v1.inputs.VolumeMountArgs;

/**
 * The restricted Pod Security Standard, for every pod the program runs: non-root, no privilege
 * escalation, no capabilities, the runtime's seccomp profile, and a read-only root filesystem
 * with a writable /tmp (Python libraries and model loaders write scratch files there).
 */
final class PodSecurity {
    static final String TMP_VOLUME = "tmp";
    /** The API's /tmp; validation keeps the ephemeral-storage limit above it and the model cache. */
    static final String API_TMP_SIZE = "1Gi";

    private PodSecurity() {}

    static PodSecurityContextArgs pod(dev.mlapi.components.inputs.SecurityContextArgs ids) {
        return PodSecurityContextArgs.builder()
                .runAsNonRoot(true)
                .runAsUser(ids.runAsUser())
                .runAsGroup(ids.runAsGroup())
                .fsGroup(ids.fsGroup())
                .fsGroupChangePolicy("OnRootMismatch")
                .seccompProfile(SeccompProfileArgs.builder().type("RuntimeDefault").build())
                .build();
    }

    static SecurityContextArgs container() {
        return SecurityContextArgs.builder()
                .allowPrivilegeEscalation(false)
                .privileged(false)
                .readOnlyRootFilesystem(true)
                .runAsNonRoot(true)
                .capabilities(CapabilitiesArgs.builder().drop("ALL").build())
                .build();
    }

    static VolumeArgs tmpVolume(String sizeLimit) {
        return VolumeArgs.builder()
                .name(TMP_VOLUME)
                .emptyDir(EmptyDirVolumeSourceArgs.builder().sizeLimit(sizeLimit).build())
                .build();
    }

    static VolumeMountArgs tmpMount() {
        return VolumeMountArgs.builder().name(TMP_VOLUME).mountPath("/tmp").build();
    }
}
