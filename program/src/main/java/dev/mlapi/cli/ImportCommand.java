package dev.mlapi.cli;

import dev.mlapi.config.Environment;
import dev.mlapi.migrate.HelmValuesImport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code ./mlapi import-helm-values <values-file> <stack> [environment]}: writes what the values
 * file says into Pulumi.<stack>.yaml, lists what it could not place, then validates the stack.
 */
public final class ImportCommand {
    private ImportCommand() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: import-helm-values <values-file> <stack> [dev|staging|production]");
            System.exit(2);
        }
        String stack = args[1];
        Environment environment = Environment.fromId(args.length == 3 ? args[2] : stack).orElse(null);
        if (environment == null) {
            System.err.println("stack '" + stack + "' is not named for an environment; name it: import-helm-values "
                    + args[0] + " " + stack + " staging");
            System.exit(2);
        }
        HelmValuesImport.Result result = HelmValuesImport.run(Path.of(args[0]), Path.of(""), stack, environment);
        System.out.println("Pulumi." + stack + ".yaml: wrote " + (result.written().isEmpty() ? "nothing (every value is a default)"
                : String.join(", ", result.written().keySet().stream().map(k -> "mlapi:" + k).toList())));
        result.unmapped().forEach(k -> System.out.println("not imported: " + k));
        System.exit(ValidateCommand.run(stack) == 0 ? 0 : 1);
    }
}
