package dev.mlapi.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A config's secrets sorted by source, each with its source typed, in the config's order. An
 * entry without exactly one source is in none of the lists: validation refuses it.
 */
public record SecretsBySource(List<Sourced<SecretSource.StackConfig>> stackConfig, List<Sourced<SecretSource.AwsSecret>> aws,
                              List<Sourced<SecretSource.Sealed>> sealed) {
    /** One secret and its source. */
    public record Sourced<S extends SecretSource>(MlApiConfig.SecretRef secret, S source) {}

    public SecretsBySource {
        stackConfig = List.copyOf(stackConfig);
        aws = List.copyOf(aws);
        sealed = List.copyOf(sealed);
    }

    public static SecretsBySource of(List<MlApiConfig.SecretRef> secrets) {
        List<Sourced<SecretSource.StackConfig>> stackConfig = new ArrayList<>();
        List<Sourced<SecretSource.AwsSecret>> aws = new ArrayList<>();
        List<Sourced<SecretSource.Sealed>> sealed = new ArrayList<>();
        for (MlApiConfig.SecretRef s : secrets) {
            if (s.source() != null) {
                s.source().visit(k -> stackConfig.add(new Sourced<>(s, k)), a -> aws.add(new Sourced<>(s, a)), v -> sealed.add(new Sourced<>(s, v)));
            }
        }
        return new SecretsBySource(stackConfig, aws, sealed);
    }
}
