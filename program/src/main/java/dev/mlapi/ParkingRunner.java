package dev.mlapi;

import com.pulumi.deployment.internal.Runner;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * The SDK's runner, with one change: while the engine works, it waits for the program's tasks
 * parked instead of polling.
 *
 * <p>The SDK's runner (pulumi-java 1.36.1) waits for its in-flight tasks by re-submitting a check
 * to CompletableFuture's default executor with no pause. On a 2-core machine the common pool has
 * one thread, so that executor starts a new thread for every check: thousands a second, a whole
 * core for as long as the engine awaits a rollout (pulumi-java#2270; fixed upstream by a pause
 * between checks, in no release we can use yet). This runner hands each task to the SDK's runner
 * only once it is done, and holds the SDK's loop back until no task runs or one failed; the loop
 * then finds everything done and ends at once, reporting failures and exit codes as before.
 * Tasks registered after that go to the SDK's runner directly, as they always did.
 */
final class ParkingRunner implements Runner {
    private final Runner sdk;
    private final Object lock = new Object();
    private int running; // tasks held back and not done; guarded by lock
    private boolean failed; // a held-back task failed; guarded by lock
    private boolean draining; // the SDK's loop runs: no more holding back; guarded by lock

    ParkingRunner(Runner sdk) {
        this.sdk = Objects.requireNonNull(sdk);
    }

    @Override
    public <T> void registerTask(String description, CompletableFuture<T> task) {
        boolean held;
        synchronized (lock) {
            held = !draining;
            if (held) {
                running++;
            }
        }
        if (!held) {
            sdk.registerTask(description, task);
            return;
        }
        task.whenComplete((value, error) -> {
            // Done: the SDK's loop joins it (and reports its failure) as it would have.
            sdk.registerTask(description, task);
            synchronized (lock) {
                running--;
                failed |= error != null;
                lock.notifyAll();
            }
        });
    }

    @Override
    public <T> CompletableFuture<Result<T>> runAsync(Supplier<T> callback) {
        return sdk.runAsync(() -> {
            T value = callback.get();
            awaitTasks();
            return value;
        });
    }

    private void awaitTasks() {
        try {
            ForkJoinPool.managedBlock(new ForkJoinPool.ManagedBlocker() {
                @Override
                public boolean block() throws InterruptedException {
                    synchronized (lock) {
                        while (running > 0 && !failed) {
                            lock.wait();
                        }
                        draining = true;
                    }
                    return true;
                }

                @Override
                public boolean isReleasable() {
                    synchronized (lock) {
                        return draining;
                    }
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the engine worked", e);
        }
    }
}
