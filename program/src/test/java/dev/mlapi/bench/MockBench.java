package dev.mlapi.bench;

import dev.mlapi.App;
import dev.mlapi.ProgramUnderMocks;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times program evaluation under the SDK's mocks: {@code MockBench <stack> <apis> <runs>} prints
 * one line of seconds per run. apis 0 means the real program; more means ScaleProgram.
 */
public final class MockBench {
    private MockBench() {}

    public static void main(String[] args) {
        String stack = args[0];
        int apis = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path project = Path.of("").toAbsolutePath();
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            var run = apis == 0 ? ProgramUnderMocks.run(project, stack, App.program(project))
                    : ProgramUnderMocks.run(project, stack, ScaleProgram.program(project, apis));
            seconds[i] = (System.nanoTime() - start) / 1e9;
            if (!run.result().exceptions().isEmpty()) {
                throw new IllegalStateException(run.result().exceptions().toString());
            }
        }
        System.out.println(String.join(" ", Arrays.stream(seconds).mapToObj(s -> String.format("%.3f", s)).toList()));
    }
}
