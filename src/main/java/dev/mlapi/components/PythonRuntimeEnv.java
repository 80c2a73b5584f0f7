package dev.mlapi.components;

import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.Quantity;
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
 * their thread counts follow the limit. A variable the stack sets itself is left to the stack.
 */
final class PythonRuntimeEnv {
    private static final List<String> THREAD_COUNTS = List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS");
    private static final String TMP = "/tmp";

    private PythonRuntimeEnv() {}

    /** The variables to add to the container, none of which the stack sets. */
    static Map<String, String> of(MlApiConfig c) {
        Map<String, String> env = new TreeMap<>();
        MlApiConfig.ModelCache cache = c.modelCache();
        String writableCache = cache != null && !cache.readOnlyMount() ? cache.mountPath() : TMP;
        // Per pod, never on a shared claim: tools keep config and locks in their home.
        env.put("HOME", TMP);
        env.put("XDG_CACHE_HOME", writableCache + "/.cache");
        env.put("HF_HOME", (cache != null ? cache.mountPath() : TMP) + "/huggingface");
        if (cache != null && cache.readOnlyMount()) {
            env.put("HF_HUB_OFFLINE", "1"); // weights prepared beforehand; a read-only cache takes no download
        }
        env.put("PYTHONDONTWRITEBYTECODE", "1"); // no .pyc beside read-only sources
        threads(c.resources()).ifPresent(n -> THREAD_COUNTS.forEach(name -> env.put(name, n)));
        env.keySet().removeAll(setByTheStack(c));
        return env;
    }

    /** Whole cores of the CPU limit, rounded up, at least one. */
    private static Optional<String> threads(MlApiConfig.Resources r) {
        return Optional.ofNullable(r.limits() == null ? null : r.limits().cpu()).flatMap(Quantity::parse)
                .map(cores -> cores.setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE).toBigInteger().toString());
    }

    private static Set<String> setByTheStack(MlApiConfig c) {
        Set<String> names = new HashSet<>(c.env().keySet());
        c.secrets().stream().filter(s -> s.env() != null).forEach(s -> names.add(s.env()));
        if (c.configMap() != null && c.configMap().mountPath() == null && c.configMap().data() != null) {
            names.addAll(c.configMap().data().keySet());
        }
        return names;
    }
}
