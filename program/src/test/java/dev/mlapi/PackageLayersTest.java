package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the program are layers: each may use the ones below it, never one above.
 * Lowest first, the component library: the component's args ({@code components.inputs}), the
 * building blocks of its secrets, the Kubernetes component itself; then the stack-file program
 * that consumes it: the config model (which maps a stack's config to the args), the policy
 * checks, then the tools beside it (delivery, migration, recovery); the program entry
 * ({@code dev.mlapi.App}) and the command-line mains ({@code cli}) sit on top, and no library
 * package uses them. Read from the sources, so every reference counts: imports, and names
 * written out in full in code or comments. The library is its own Maven module (component/,
 * published as dev.mlapi:mlapi-component) and the program another (program/).
 */
class PackageLayersTest {
    private static final Path LIBRARY = Path.of("component/src/main/java/dev/mlapi");
    private static final Path PROGRAM = Path.of("program/src/main/java/dev/mlapi");
    private static final List<Path> MAINS = List.of(LIBRARY, PROGRAM);
    /** The library's packages, lowest layers first: all of component/ and nothing else. */
    private static final List<String> LIBRARY_PACKAGES = List.of("components.inputs", "secrets", "components");
    /** "" is the root package, where the program entry App lives. */
    private static final List<String> LAYERS = List.of("components.inputs", "secrets", "components", "config", "policy", "delivery", "migrate", "recovery", "", "cli");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.mlapi\\.(?:([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.)?([A-Z]\\w*)");

    @Test
    void noPackageUsesOneAboveIt() throws IOException {
        List<String> upward = arrows().stream().filter(a -> LAYERS.indexOf(a.to()) > LAYERS.indexOf(a.from())).map(Arrow::toString).toList();
        assertTrue(upward.isEmpty(), () -> upward.size() + " reference(s) to a package above, in the order "
                + LAYERS.stream().map(Arrow::name).toList() + ":\n  " + String.join("\n  ", upward));
    }

    @Test
    void everyPackageHasItsLayer() throws IOException {
        List<String> unknown = arrows().stream().filter(a -> !LAYERS.contains(a.from()) || !LAYERS.contains(a.to())).map(Arrow::toString).toList();
        assertTrue(unknown.isEmpty(), () -> "packages without a layer (add them to LAYERS):\n  " + String.join("\n  ", unknown));
    }

    @Test
    void everyCommandLineMainIsInCli() throws IOException {
        List<String> misplaced = new java.util.ArrayList<>();
        for (Path main : MAINS) {
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted()
                        // The component package's provider: the Java host runs it in component/ (PulumiPlugin.yaml).
                        .filter(f -> !f.startsWith(PROGRAM.resolve("cli")) && !f.equals(PROGRAM.resolve("App.java"))
                                && !f.equals(LIBRARY.resolve("components/MlApiProvider.java")))
                        .filter(f -> read(f).contains("public static void main(")).map(Path::toString).forEach(misplaced::add);
            }
        }
        assertTrue(misplaced.isEmpty(), () -> "command-line mains outside dev.mlapi.cli:\n  " + String.join("\n  ", misplaced));
    }

    @Test
    void theLibraryModuleHoldsTheLibraryPackagesAndNothingElse() throws IOException {
        assertEquals(new TreeSet<>(LIBRARY_PACKAGES), packages(LIBRARY), "the packages of component/");
        TreeSet<String> inProgram = packages(PROGRAM);
        inProgram.retainAll(LIBRARY_PACKAGES);
        assertEquals(new TreeSet<>(), inProgram, "library packages in program/");
        assertEquals(LIBRARY_PACKAGES, LAYERS.subList(0, LIBRARY_PACKAGES.size()), "the library is the lowest layers");
    }

    /** The packages with a Java file under a module's source root ("" for dev.mlapi itself). */
    private static TreeSet<String> packages(Path main) throws IOException {
        try (Stream<Path> files = Files.walk(main)) {
            return files.filter(f -> f.toString().endsWith(".java")).map(f -> main.relativize(f).getParent())
                    .map(d -> d == null ? "" : d.toString().replace('/', '.')).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A reference from a file of one package to a class of another. */
    record Arrow(String from, String to, String file, String target) {
        @Override
        public String toString() {
            return name(from) + " -> " + name(to) + ": " + file + " uses " + target;
        }

        static String name(String pkg) {
            return pkg.isEmpty() ? "dev.mlapi" : pkg;
        }
    }

    static List<Arrow> arrows() throws IOException {
        TreeSet<String> found = new TreeSet<>();
        List<Arrow> arrows = new java.util.ArrayList<>();
        List<Path> sources = new java.util.ArrayList<>();
        for (Path main : MAINS) {
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
            }
        }
        for (Path file : sources) {
            Path relative = (file.startsWith(LIBRARY) ? LIBRARY : PROGRAM).relativize(file);
            String from = relative.getParent() == null ? "" : relative.getParent().toString().replace('/', '.');
            Matcher m = REFERENCE.matcher(Files.readString(file).replaceFirst("(?m)^package [^;]+;", ""));
            while (m.find()) {
                String to = m.group(1) == null ? "" : m.group(1);
                String target = "dev.mlapi." + (to.isEmpty() ? "" : to + ".") + m.group(2);
                if (!to.equals(from) && found.add(relative + " " + target)) {
                    arrows.add(new Arrow(from, to, relative.toString(), target));
                }
            }
        }
        return arrows;
    }
}
