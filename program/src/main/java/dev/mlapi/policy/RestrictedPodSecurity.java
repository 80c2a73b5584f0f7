package dev.mlapi.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The restricted Pod Security Standard (Kubernetes 1.32), checked on the objects the program
 * declares: a Kubernetes object as JSON (a manifest, or a resource's inputs), and the pod
 * template it carries. The namespace enforces the same level on a real cluster; this finds a
 * violation before anything is applied.
 */
public final class RestrictedPodSecurity {
    private static final Set<String> VOLUME_TYPES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");

    private RestrictedPodSecurity() {}

    /** Every violation in the object's pod spec; none for objects without pods. */
    public static List<String> violations(JsonNode object) {
        String kind = object.path("kind").asText();
        JsonNode pod = switch (kind) {
            case "Pod" -> object.path("spec");
            case "CronJob" -> object.at("/spec/jobTemplate/spec/template/spec");
            default -> object.at("/spec/template/spec");
        };
        List<String> found = new ArrayList<>();
        if (pod.isMissingNode()) {
            return found;
        }
        String where = kind + " " + object.at("/metadata/name").asText();
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (pod.path(host).asBoolean(false)) {
                found.add(where + ": " + host + " is set");
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            volume.fieldNames().forEachRemaining(type -> {
                if (!type.equals("name") && !VOLUME_TYPES.contains(type)) {
                    found.add(where + ": volume " + volume.path("name").asText() + " is of type " + type);
                }
            });
        }
        for (JsonNode sysctl : pod.at("/securityContext/sysctls")) {
            if (!SAFE_SYSCTLS.contains(sysctl.path("name").asText())) {
                found.add(where + ": sysctl " + sysctl.path("name").asText() + " is not in the safe set");
            }
        }
        JsonNode podContext = pod.path("securityContext");
        checkIdentity(where + " pod", podContext, found);
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode container : pod.path(list)) {
                checkContainer(where + " container " + container.path("name").asText(), container, podContext, found);
            }
        }
        return found;
    }

    private static void checkContainer(String where, JsonNode container, JsonNode podContext, List<String> found) {
        JsonNode sc = container.path("securityContext");
        checkIdentity(where, sc, found);
        if (sc.path("privileged").asBoolean(false)) {
            found.add(where + ": privileged");
        }
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            found.add(where + ": allowPrivilegeEscalation is not false");
        }
        if (!sc.path("runAsNonRoot").asBoolean(podContext.path("runAsNonRoot").asBoolean(false))) {
            found.add(where + ": runAsNonRoot is not true");
        }
        String seccomp = sc.at("/seccompProfile/type").asText(podContext.at("/seccompProfile/type").asText(""));
        if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
            found.add(where + ": seccomp profile is not RuntimeDefault or Localhost");
        }
        boolean dropsAll = false;
        for (JsonNode drop : sc.at("/capabilities/drop")) {
            dropsAll |= drop.asText().equals("ALL");
        }
        if (!dropsAll) {
            found.add(where + ": capabilities do not drop ALL");
        }
        for (JsonNode add : sc.at("/capabilities/add")) {
            if (!add.asText().equals("NET_BIND_SERVICE")) {
                found.add(where + ": adds capability " + add.asText());
            }
        }
        for (JsonNode port : container.path("ports")) {
            if (port.path("hostPort").asInt(0) != 0) {
                found.add(where + ": uses host port " + port.path("hostPort").asInt());
            }
        }
        if (!sc.path("procMount").asText("Default").equals("Default")) {
            found.add(where + ": procMount is not Default");
        }
    }

    private static void checkIdentity(String where, JsonNode context, List<String> found) {
        if (context.has("runAsUser") && context.path("runAsUser").asLong() == 0) {
            found.add(where + ": runAsUser is 0 (root)");
        }
        if (context.has("runAsNonRoot") && !context.path("runAsNonRoot").asBoolean()) {
            found.add(where + ": runAsNonRoot is false");
        }
        JsonNode selinux = context.path("seLinuxOptions");
        if (selinux.has("user") || selinux.has("role")) {
            found.add(where + ": sets an SELinux user or role");
        }
    }
}
