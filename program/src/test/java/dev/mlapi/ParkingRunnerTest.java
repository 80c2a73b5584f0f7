package dev.mlapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.deployment.internal.DeploymentImpl;
import com.pulumi.deployment.internal.EngineLogger;
import com.pulumi.deployment.internal.Runner;
import com.pulumi.deployment.internal.Runner.Result;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The program's runner waits for the engine without polling, and still ends, fails and awaits late
 * tasks as the SDK's runner does (its own runner, wrapped, under test).
 */
class ParkingRunnerTest {
    /** How long a task stays running before the test completes it: many of the SDK's polls. */
    private static final long RUNNING_MILLIS = 300;

    @Test
    void waitsForARunningTaskWithoutPollingIt() throws Exception {
        Runner runner = new ParkingRunner(sdkRunner());
        var rollout = new PolledFuture<String>();

        CompletableFuture<Result<String>> run = runner.runAsync(() -> {
            runner.registerTask("rollout", rollout);
            return "outputs";
        });
        TimeUnit.MILLISECONDS.sleep(RUNNING_MILLIS);

        assertFalse(run.isDone(), "the program ended while its task ran");
        assertEquals(0, rollout.polls.get(), "times the running task was polled");
        rollout.complete("ready");
        Result<String> result = run.get(10, TimeUnit.SECONDS);
        assertEquals(Runner.ProcessExitedSuccessfully, result.exitCode());
        assertEquals("outputs", result.result().orElseThrow());
    }

    @Test
    void aTaskThatFailsWhileTheRunnerWaitsEndsTheProgramWithTheSdksExitCode() throws Exception {
        assertFailureEndsTheProgram(false);
    }

    @Test
    void aTaskRegisteredFailedEndsTheProgramWithTheSdksExitCode() throws Exception {
        assertFailureEndsTheProgram(true);
    }

    private static void assertFailureEndsTheProgram(boolean failBeforeWaiting) throws Exception {
        Runner runner = new ParkingRunner(sdkRunner());
        var rollout = new CompletableFuture<String>();
        var neverDone = new CompletableFuture<String>();
        var failure = new IllegalStateException("the rollout timed out");

        CompletableFuture<Result<String>> run = runner.runAsync(() -> {
            if (failBeforeWaiting) {
                rollout.completeExceptionally(failure); // registered done, as the SDK does with cached results
            }
            runner.registerTask("rollout", rollout);
            runner.registerTask("never done", neverDone);
            return "outputs";
        });
        if (!failBeforeWaiting) {
            TimeUnit.MILLISECONDS.sleep(RUNNING_MILLIS);
            rollout.completeExceptionally(failure);
        }

        Result<String> result = run.get(10, TimeUnit.SECONDS);
        assertEquals(Runner.ProcessExitedAfterLoggingUserActionableMessage, result.exitCode());
        // The SDK records the failure as it came and unwrapped; the unwrapped one is the program's.
        assertTrue(result.exceptions().contains(failure), result.exceptions().toString());
    }

    @Test
    void awaitsATaskThatAFinishedTaskStarts() throws Exception {
        Runner runner = new ParkingRunner(sdkRunner());
        var first = new CompletableFuture<String>();
        var second = new CompletableFuture<String>();

        CompletableFuture<Result<String>> run = runner.runAsync(() -> {
            runner.registerTask("first", first);
            first.thenRun(() -> runner.registerTask("second", second));
            return "outputs";
        });
        first.complete("done");
        TimeUnit.MILLISECONDS.sleep(RUNNING_MILLIS);

        assertFalse(run.isDone(), "the program ended while its second task ran");
        second.complete("done");
        assertEquals(Runner.ProcessExitedSuccessfully, run.get(10, TimeUnit.SECONDS).exitCode());
    }

    /** The runner Pulumi.run would use; the SDK keeps its class package-private. */
    private static Runner sdkRunner() throws ReflectiveOperationException {
        var type = Class.forName(DeploymentImpl.class.getName() + "$DefaultRunner");
        var constructor = type.getDeclaredConstructor(Logger.class, EngineLogger.class);
        constructor.setAccessible(true);
        return (Runner) constructor.newInstance(Logger.getLogger("ParkingRunnerTest"), EngineLogger.ignore());
    }

    /** A future that counts the times it is asked whether it is done while it is not. */
    private static final class PolledFuture<T> extends CompletableFuture<T> {
        final AtomicInteger polls;

        PolledFuture() {
            this(new AtomicInteger());
        }

        private PolledFuture(AtomicInteger polls) {
            this.polls = polls;
        }

        @Override
        public boolean isDone() {
            boolean done = super.isDone();
            if (!done) {
                polls.incrementAndGet();
            }
            return done;
        }

        // The SDK's runner waits on a future derived from the task: it counts for the task.
        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new PolledFuture<>(polls);
        }
    }
}
