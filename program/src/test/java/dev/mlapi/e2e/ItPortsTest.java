package dev.mlapi.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * End-to-end classes run at once (two forks), each with a cluster on its own ports: the API server's
 * (Project.port), the four after it (add-ons and registry), and etcd's two, 4064 below it. No two
 * classes share one, and none is an ephemeral port: a client connection or a plugin of another
 * class may hold one of those at any moment, and the cluster would not start ("port ... is taken").
 */
class ItPortsTest {
    private static final Pattern BASE = Pattern.compile("Project\\.port\\((\\d+)\\)");
    /** The largest MLAPI_IT_PORT_OFFSET in use: working copies are moved by tens up to it. */
    private static final int MAX_OFFSET = 90;

    @Test
    void everyClassHasPortsOfItsOwnBelowTheEphemeralRange() throws IOException {
        Map<String, Integer> bases = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("program/src/test/java/dev/mlapi/e2e"))) {
            for (Path file : files.filter(f -> f.toString().endsWith("IT.java")).toList()) {
                Matcher m = BASE.matcher(Files.readString(file));
                while (m.find()) {
                    bases.put(file.getFileName().toString(), Integer.parseInt(m.group(1)));
                }
            }
        }
        assertTrue(bases.size() >= 10, "end-to-end classes found: " + bases);
        // Read line by line: a whole read of this proc file returns only its first byte here.
        int ephemeral = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        Map<Integer, String> owner = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        bases.forEach((test, base) -> {
            for (int port : List.of(base - 4064, base - 4063, base, base + 1, base + 2, base + 3, base + 4)) {
                if (port + MAX_OFFSET >= ephemeral) {
                    problems.add(test + ": port " + port + " (+ up to " + MAX_OFFSET + ") reaches the ephemeral ports from " + ephemeral);
                }
                for (int offset = -MAX_OFFSET; offset <= MAX_OFFSET; offset += 10) {
                    String other = owner.get(port + offset);
                    if (other != null && !other.equals(test)) {
                        problems.add(test + " and " + other + " share port " + (port + offset) + (offset == 0 ? "" : " with offsets " + offset + " apart"));
                    }
                }
                owner.put(port, test);
            }
        });
        assertEquals(List.of(), problems);
    }
}
