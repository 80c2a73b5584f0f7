package dev.mlapi.components;

import dev.mlapi.components.inputs.ModelCacheArgs;
import dev.mlapi.components.inputs.NamedValueArgs;
import dev.mlapi.components.inputs.QuantitiesArgs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Environment variables a Python ML server needs under the restricted profile. Its UID has no
 * passwd entry (or a home that does not exist), so HOME is / on a read-only root and the Hugging
 * Face, torch and pip caches would fail; they go to the model cache, or else to the writable /tmp.
 * Numeric libraries start one thread per core of the node, not of the CPU limit, and throttle;
 * their thread counts follow the limit. A variable the args set is left to the args.
 */
final class PythonRuntimeEnv {
    private static final List<String> THREAD_COUNTS = List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS");
    private static final String TMP = "/tmp";

    private PythonRuntimeEnv() {}

    /** The variables to add to the container, none of which the args set. */
    static Map<String, String> of(MlApiArgs args) {
        Map<String, String> env = new TreeMap<>();
        Optional<ModelCacheArgs> cache = args.modelCache();
        boolean readOnlyCache = cache.flatMap(ModelCacheArgs::readOnly).orElse(false);
        String writableCache = cache.isPresent() && !readOnlyCache ? cache.get().mountPath() : TMP;
        // Per pod, never on a shared claim: tools keep config and locks in their home.
        env.put("HOME", TMP);
        env.put("XDG_CACHE_HOME", writableCache + "/.cache");
        env.put("HF_HOME", cache.map(ModelCacheArgs::mountPath).orElse(TMP) + "/huggingface");
        if (readOnlyCache) {
            env.put("HF_HUB_OFFLINE", "1"); // weights prepared beforehand; a read-only cache takes no download
        }
        env.put("PYTHONDONTWRITEBYTECODE", "1"); // no .pyc beside read-only sources
        threads(args).ifPresent(n -> THREAD_COUNTS.forEach(name -> env.put(name, n)));
        env.keySet().removeAll(setByTheArgs(args));
        return env;
    }

    /** Whole cores of the CPU limit, rounded up, at least one. */
    private static Optional<String> threads(MlApiArgs args) {
        return args.resources().limits().flatMap(QuantitiesArgs::cpu).flatMap(Quantity::parse)
                .map(cores -> cores.setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE).toBigInteger().toString());
    }

    private static Set<String> setByTheArgs(MlApiArgs args) {
        Set<String> names = new HashSet<>();
        args.env().forEach(e -> names.add(e.name()));
        args.secrets().forEach(s -> s.env().ifPresent(names::add));
        args.configMap().filter(files -> files.mountPath().isEmpty())
                .ifPresent(files -> files.data().stream().map(NamedValueArgs::name).forEach(names::add));
        return names;
    }
}
