package org.rcskt.monitor.follow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.rcskt.verifier.tile.TilePath;

/**
 * Fetches the entry bundles of a tree in order, keeping a bounded number of requests in flight
 * ahead of the consumer, so that downloading overlaps hashing and replay.
 */
final class BundleWindow implements AutoCloseable {
  private final LogClient client;
  private final Executor executor;
  private final long treeSize;
  private final long lastBundle;
  private final int ahead;
  private final Deque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
  private long nextToRequest;
  private long nextToTake;

  /** Bundles {@code firstBundle ..} of the tree of {@code treeSize} entries. */
  BundleWindow(LogClient client, Executor executor, long treeSize, long firstBundle, int ahead) {
    this.client = client;
    this.executor = executor;
    this.treeSize = treeSize;
    this.lastBundle = (treeSize - 1) / TilePath.FULL_WIDTH;
    this.ahead = ahead;
    this.nextToRequest = firstBundle;
    this.nextToTake = firstBundle;
  }

  /** The number of entries bundle {@code b} has in this tree. */
  int width(long b) {
    long start = b * TilePath.FULL_WIDTH;
    return (int) Math.min(TilePath.FULL_WIDTH, treeSize - start);
  }

  /** The next bundle's bytes, in order. */
  byte[] take() throws LogHttpException {
    fill();
    CompletableFuture<byte[]> f = inFlight.poll();
    if (f == null) {
      throw new IllegalStateException("no bundle after " + (nextToTake - 1));
    }
    nextToTake++;
    try {
      byte[] b = f.get();
      fill();
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogHttpException("interrupted while fetching bundles", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LogHttpException) {
        throw (LogHttpException) e.getCause();
      }
      throw new LogHttpException("fetching a bundle failed: " + e.getCause(), e.getCause());
    }
  }

  private void fill() {
    while (inFlight.size() < ahead && nextToRequest <= lastBundle) {
      long b = nextToRequest++;
      int w = width(b);
      inFlight.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.entryBundle(b, w);
                } catch (LogHttpException e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              },
              executor));
    }
  }

  @Override
  public void close() {
    for (CompletableFuture<byte[]> f : inFlight) {
      f.cancel(true);
    }
    inFlight.clear();
  }
}
