package dev.mlapi.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.ProgramUnderMocks;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestrictedPodSecurityTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void everyObjectEachStackDeclaresMeetsTheRestrictedStandard(String stack) {
        var run = ProgramUnderMocks.run(stack);
        List<String> violations = run.resources().stream()
                .filter(r -> r.type().startsWith("kubernetes:"))
                .flatMap(r -> RestrictedPodSecurity.violations(r.inputs()).stream())
                .toList();
        assertEquals(List.of(), violations);
        assertEquals(2, run.resources().stream().filter(r -> r.inputs().at("/spec/template/spec").isObject()).count(),
                "the Deployment and the test Job were checked");
    }

    @Test
    void findsWhatTheStandardForbids() throws IOException {
        JsonNode deployment = new YAMLMapper().readTree("""
                kind: Deployment
                metadata: {name: legacy}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      securityContext: {runAsUser: 0}
                      volumes:
                        - {name: docker, hostPath: {path: /var/run/docker.sock}}
                        - {name: tmp, emptyDir: {}}
                      containers:
                        - name: api
                          ports: [{containerPort: 8080, hostPort: 80}]
                          securityContext:
                            privileged: true
                            capabilities: {add: [SYS_ADMIN]}
                """);
        assertEquals(List.of(
                "Deployment legacy: hostNetwork is set",
                "Deployment legacy: volume docker is of type hostPath",
                "Deployment legacy pod: runAsUser is 0 (root)",
                "Deployment legacy container api: privileged",
                "Deployment legacy container api: allowPrivilegeEscalation is not false",
                "Deployment legacy container api: runAsNonRoot is not true",
                "Deployment legacy container api: seccomp profile is not RuntimeDefault or Localhost",
                "Deployment legacy container api: capabilities do not drop ALL",
                "Deployment legacy container api: adds capability SYS_ADMIN",
                "Deployment legacy container api: uses host port 80"),
                RestrictedPodSecurity.violations(deployment));
    }

    @Test
    void objectsWithoutPodsHaveNothingToCheck() throws IOException {
        assertEquals(List.of(), RestrictedPodSecurity.violations(new YAMLMapper().readTree("{kind: Service, metadata: {name: x}, spec: {}}")));
    }
}
