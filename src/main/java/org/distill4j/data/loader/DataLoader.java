package org.distill4j.data.loader;

import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.distill4j.config.ConfigException;
import org.distill4j.data.Sample;
import org.distill4j.data.Seeds;
import org.distill4j.data.SegDataset;

/**
 * Turns a dataset into an endless, reproducible stream of batches over epochs.
 *
 * <p>Epoch {@code e} visits the samples in a shuffle seeded from {@code (seed, e)}; the sample at
 * position {@code p} of that epoch is augmented with a {@code Random} seeded from {@code (seed, e,
 * p)}. Batches are therefore identical whatever the number of workers, and {@link #stream(long)}
 * can start at any global iteration to resume a run. With workers, up to {@code 2 * numWorkers}
 * batches are loaded ahead on a fixed thread pool and delivered in order.
 *
 * <p>One stream is active per loader: starting a new stream stops the previous one, so an abandoned
 * stream never keeps prefetched batches alive.
 */
public final class DataLoader implements AutoCloseable {
  private final SegDataset dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final int numWorkers;
  private final long seed;
  private final int batchesPerEpoch;
  private Stream current;
  private ExecutorService pool;
  private volatile boolean closed;

  private DataLoader(Builder b) {
    if (b.dataset == null) {
      throw new IllegalArgumentException("setDataset is required");
    }
    this.dataset = b.dataset;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.dropLast = b.dropLast;
    this.numWorkers = b.numWorkers;
    this.seed = b.seed;
    int n = dataset.size();
    if (batchSize <= 0) {
      throw new ConfigException("batch_size must be a positive integer, got " + batchSize);
    }
    if (numWorkers < 0) {
      throw new ConfigException("num_workers must be >= 0, got " + numWorkers);
    }
    if (n == 0) {
      throw new ConfigException("the dataset in " + dataset.root() + " has no samples");
    }
    if (dropLast && batchSize > n) {
      throw new ConfigException(
          "batch_size "
              + batchSize
              + " is larger than the dataset ("
              + n
              + " samples in "
              + dataset.root()
              + ", mode "
              + dataset.mode()
              + ") and drop_last is on, so no batch would ever be produced; lower batch_size");
    }
    this.batchesPerEpoch = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int batchesPerEpoch() {
    return batchesPerEpoch;
  }

  public int batchSize() {
    return batchSize;
  }

  public SegDataset dataset() {
    return dataset;
  }

  public int numWorkers() {
    return numWorkers;
  }

  /**
   * An endless stream of batches starting at global iteration {@code startIteration} (batch {@code
   * startIteration % batchesPerEpoch} of epoch {@code startIteration / batchesPerEpoch}).
   * Exceptions from loading are re-thrown by {@code next()}.
   */
  public Iterator<Batch> stream(long startIteration) {
    return stream(startIteration, Long.MAX_VALUE);
  }

  /**
   * Batches for global iterations {@code startIteration} (inclusive) to {@code endIteration}
   * (exclusive); nothing past the end is loaded. {@code stream(0, batchesPerEpoch())} is one epoch.
   */
  public synchronized Iterator<Batch> stream(long startIteration, long endIteration) {
    if (startIteration < 0 || endIteration < startIteration) {
      throw new IllegalArgumentException(
          "need 0 <= startIteration <= endIteration, got " + startIteration + ", " + endIteration);
    }
    if (closed) {
      throw new IllegalStateException("DataLoader is closed");
    }
    if (current != null) {
      current.stop();
    }
    current = new Stream(startIteration, endIteration);
    return current;
  }

  /** The order in which epoch {@code epoch} visits the dataset's indices. */
  public int[] epochOrder(int epoch) {
    int n = dataset.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      Random rng = new Random(Seeds.mix(seed, 0x5EED_0FDE_12L, epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** Loads the batch for a global iteration on the calling thread. */
  Batch loadBatch(long iteration, int[] order) {
    int epoch = (int) (iteration / batchesPerEpoch);
    int first = (int) (iteration % batchesPerEpoch) * batchSize;
    int last = Math.min(first + batchSize, order.length);
    List<Sample> samples = new ArrayList<>(last - first);
    for (int p = first; p < last; p++) {
      Random rng = new Random(Seeds.mix(seed, epoch, p));
      samples.add(dataset.get(order[p], rng));
    }
    return collate(samples, epoch, iteration);
  }

  /**
   * Stacks samples into a batch.
   *
   * @throws ConfigException when the samples differ in size: the transforms must produce a fixed
   *     size for batching
   */
  public static Batch collate(List<Sample> samples, int epoch, long iteration) {
    return BatchCollator.collate(samples, epoch, iteration);
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      AtomicInteger count = new AtomicInteger();
      ThreadFactory factory =
          r -> {
            Thread t = new Thread(r, "distill4j-data-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      pool = Executors.newFixedThreadPool(numWorkers, factory);
    }
    return pool;
  }

  /** Stops the worker threads; open streams stop delivering. */
  @Override
  public synchronized void close() {
    closed = true;
    if (current != null) {
      current.stop();
      current = null;
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /**
   * One iterator over a range of iterations; with workers it keeps a window of in-flight batches.
   */
  private final class Stream implements Iterator<Batch> {
    private final long end;
    private long nextToDeliver;
    private long nextToSubmit;
    private volatile boolean stopped;
    private int cachedEpoch = -1;
    private int[] cachedOrder;
    // Concurrent, because stop() may run on another thread than the consumer.
    private final Deque<Future<Batch>> inFlight = new ConcurrentLinkedDeque<>();
    private RuntimeException failure;

    Stream(long start, long end) {
      this.end = end;
      this.nextToDeliver = start;
      this.nextToSubmit = start;
      if (numWorkers > 0) {
        fill();
      }
    }

    private int[] orderFor(long iteration) {
      int epoch = (int) (iteration / batchesPerEpoch);
      if (epoch != cachedEpoch) {
        cachedOrder = epochOrder(epoch);
        cachedEpoch = epoch;
      }
      return cachedOrder;
    }

    private void fill() {
      while (!stopped && inFlight.size() < 2 * numWorkers && nextToSubmit < end) {
        long it = nextToSubmit++;
        int[] order = orderFor(it);
        inFlight.addLast(pool().submit(() -> loadBatch(it, order)));
      }
    }

    void stop() {
      stopped = true;
      cancel();
    }

    private void cancel() {
      for (Future<Batch> f : inFlight) {
        f.cancel(true);
      }
      inFlight.clear();
    }

    @Override
    public boolean hasNext() {
      return !stopped && nextToDeliver < end;
    }

    @Override
    public Batch next() {
      if (stopped) {
        throw new IllegalStateException(
            "this stream was stopped by close() or by a newer stream() call");
      }
      if (nextToDeliver >= end) {
        throw new NoSuchElementException("the stream ended at iteration " + end);
      }
      if (failure != null) {
        throw new IllegalStateException("this stream failed earlier: " + failure.getMessage());
      }
      long start = System.nanoTime();
      Batch batch;
      if (numWorkers == 0) {
        batch = loadBatch(nextToDeliver, orderFor(nextToDeliver));
      } else {
        Future<Batch> head = inFlight.pollFirst();
        if (head == null) {
          throw new IllegalStateException("the stream was stopped");
        }
        batch = await(head);
        fill();
      }
      nextToDeliver++;
      return batch.withReadCost((System.nanoTime() - start) / 1e9);
    }

    private Batch await(Future<Batch> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a batch", e);
      } catch (CancellationException e) {
        throw new IllegalStateException("the stream was stopped while waiting for a batch", e);
      } catch (ExecutionException e) {
        cancel();
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          failure = re;
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException("loading a batch failed: " + cause, cause);
      }
    }
  }

  /**
   * Loader options; defaults: batch size 1, no shuffle, keep the last batch, no workers, seed 0.
   */
  public static final class Builder {
    private SegDataset dataset;
    private int batchSize = 1;
    private boolean shuffle;
    private boolean dropLast;
    private int numWorkers;
    private long seed;

    private Builder() {}

    public Builder setDataset(SegDataset dataset) {
      this.dataset = dataset;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optShuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    public Builder optDropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** Loader threads; 0 loads on the caller's thread. */
    public Builder optNumWorkers(int numWorkers) {
      this.numWorkers = numWorkers;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public DataLoader build() {
      return new DataLoader(this);
    }
  }
}
