package org.distill4j.notebook;

import java.lang.reflect.Method;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM, as IJava's kernel does: each snippet's generated method runs on one
 * dedicated daemon thread per notebook, whose context class loader is the snippet loader (so {@code
 * ServiceLoader} finds engines added by {@code %classpath}). Keeps the live value returned by the
 * last snippet so a cell's result can be rendered from the object itself (an image as PNG) rather
 * than from JShell's string. Runs are bounded by a deadline; on expiry the thread is interrupted
 * and, if it ignores the interrupt, stopped.
 */
final class InProcessExecutionControl extends DirectExecutionControl {
  private static final long STOP_GRACE_MILLIS = 1000;

  private final SnippetLoader loader;
  private final ExecutorService worker;
  private final AtomicReference<Thread> workerThread = new AtomicReference<>();
  private volatile Future<Object> running;
  private volatile long deadlineNanos;
  private volatile boolean timedOut;
  private volatile boolean busy;
  private boolean hasValue;
  private Object value;
  private String valueText;

  InProcessExecutionControl(SnippetLoader loader) {
    super(loader);
    this.loader = loader;
    this.worker =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "notebook-cell");
              thread.setDaemon(true);
              thread.setContextClassLoader(loader.classLoader());
              workerThread.set(thread);
              return thread;
            });
  }

  /** A provider handing this instance to JShell. */
  ExecutionControlProvider provider() {
    return new ExecutionControlProvider() {
      @Override
      public String name() {
        return "distill4j-in-process";
      }

      @Override
      public ExecutionControl generate(ExecutionEnv env, java.util.Map<String, String> params) {
        return InProcessExecutionControl.this;
      }
    };
  }

  /** Later runs must end by {@code System.nanoTime() == deadline}; 0 = no limit. */
  void setDeadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    this.timedOut = false;
  }

  /** True when a run was stopped because the deadline passed. */
  boolean timedOut() {
    return timedOut;
  }

  /** Forgets the captured value; call before evaluating a snippet. */
  void clearCapturedValue() {
    hasValue = false;
    value = null;
    valueText = null;
  }

  /** True when a snippet method returned since the last {@link #clearCapturedValue()}. */
  boolean hasCapturedValue() {
    return hasValue;
  }

  /** The live object the last snippet method returned. */
  Object capturedValue() {
    return value;
  }

  /** JShell's text for the captured value, to check it belongs to the snippet at hand. */
  String capturedValueText() {
    return valueText;
  }

  @Override
  protected String invoke(Method doitMethod) throws Exception {
    Future<Object> future =
        worker.submit(
            () -> {
              busy = true;
              try {
                return doitMethod.invoke(null);
              } finally {
                busy = false;
              }
            });
    running = future;
    try {
      Object result = await(future);
      hasValue = true;
      value = result;
      valueText = valueString(result);
      return valueText;
    } catch (ExecutionException e) {
      // The cause is the InvocationTargetException (user exception) JShell knows how to report.
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (CancellationException e) {
      throw new StoppedException();
    } catch (TimeoutException e) {
      timedOut = true;
      future.cancel(true);
      stopIfStillRunning();
      throw new StoppedException();
    } finally {
      running = null;
    }
  }

  private Object await(Future<Object> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = deadlineNanos;
    if (deadline == 0) {
      return future.get();
    }
    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /**
   * A CPU-bound loop never sees the interrupt; after a grace period the thread is stopped (JDK 17
   * still implements {@code Thread.stop}; on later JDKs the thread is left to finish on its own).
   */
  @SuppressWarnings({"deprecation", "removal"})
  private void stopIfStillRunning() {
    Thread thread = workerThread.get();
    long giveUp = System.currentTimeMillis() + STOP_GRACE_MILLIS;
    while (thread != null && busy && System.currentTimeMillis() < giveUp) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (thread != null && busy) {
      try {
        thread.stop();
      } catch (UnsupportedOperationException e) {
        // Newer JDKs: the daemon thread keeps running until its loop ends.
      }
    }
  }

  @Override
  public void stop() {
    Future<Object> current = running;
    if (current != null) {
      current.cancel(true);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    loader.close();
  }
}
