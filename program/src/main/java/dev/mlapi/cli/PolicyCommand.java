package dev.mlapi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mlapi.policy.RestrictedPodSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code PolicyCommand <folder>}: the restricted Pod Security Standard over rendered manifests. */
public final class PolicyCommand {
    private PolicyCommand() {}

    public static void main(String[] args) throws IOException {
        List<String> found = new ArrayList<>();
        int objects = 0;
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = yaml.createParser(file.toFile())) {
                    for (JsonNode object : (Iterable<JsonNode>) () -> {
                        try {
                            return yaml.readValues(parser, JsonNode.class);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }) {
                        objects++;
                        found.addAll(RestrictedPodSecurity.violations(object));
                    }
                }
            }
        }
        found.forEach(v -> System.err.println("restricted Pod Security: " + v));
        System.out.println("restricted Pod Security: " + found.size() + " violation(s) in " + objects + " object(s)");
        System.exit(found.isEmpty() ? 0 : 1);
    }
}
