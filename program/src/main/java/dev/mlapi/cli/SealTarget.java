package dev.mlapi.cli;

import dev.mlapi.components.MlApi;
import dev.mlapi.config.InvalidConfigException;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import java.nio.file.Path;

/** {@code SealTarget <stack>}: prints the namespace and Secret name a sealed value of the stack is bound to. */
public final class SealTarget {
    private SealTarget() {}

    public static void main(String[] args) {
        try {
            MlApiConfig config = StackConfigLoader.load(StackFile.read(Path.of(""), args[0]).source(ciphertext -> "encrypted"));
            System.out.println(config.namespace().name() + " " + MlApi.sealedSecretName(config.name()));
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
