package dev.mlapi.cli;

import dev.mlapi.App;
import dev.mlapi.config.InvalidConfigException;
import dev.mlapi.config.MlApiConfig;
import dev.mlapi.config.StackConfigLoader;
import dev.mlapi.config.StackFile;
import dev.mlapi.policy.PolicyChecks;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./mlapi validate <stack | path/to/Pulumi.<stack>.yaml>}: every config problem of a
 * stack, through the same loader the program runs first, then the restricted Pod Security
 * check on the objects the program declares, evaluated under the SDK's mocks: no engine, no
 * cluster. Encrypted values are not decrypted: only their presence is checked.
 */
public final class ValidateCommand {
    private ValidateCommand() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: validate <stack | path/to/Pulumi.<stack>.yaml>");
            System.exit(2);
        }
        System.exit(run(args[0]));
    }

    public static int run(String stackOrFile) {
        Path projectDir = Path.of("");
        String stack = stackOrFile;
        if (stackOrFile.endsWith(".yaml")) {
            Path file = Path.of(stackOrFile).toAbsolutePath();
            projectDir = file.getParent();
            stack = file.getFileName().toString().replaceAll("^Pulumi\\.|\\.yaml$", "");
        }
        try {
            MlApiConfig config = StackConfigLoader.load(StackFile.read(projectDir, stack).source(ciphertext -> "encrypted"));
            List<String> violations = PolicyChecks.onDeclaredResources(projectDir, stack, App.program(projectDir));
            violations.forEach(v -> System.err.println("restricted Pod Security: " + v));
            if (!violations.isEmpty()) {
                return 1;
            }
            System.out.println(stack + ": valid (" + config.environment().id() + ", " + config.image().reference()
                    + "); its objects meet the restricted Pod Security Standard");
            return 0;
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
