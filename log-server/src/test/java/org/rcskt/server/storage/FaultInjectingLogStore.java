package org.rcskt.server.storage;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real store and makes {@link #append} fail on demand, to test how callers handle a write
 * that does not happen. Every other call goes straight through.
 */
public final class FaultInjectingLogStore extends ForwardingLogStore {
  private final AtomicInteger failNextAppends = new AtomicInteger();
  private final AtomicInteger appendsFailed = new AtomicInteger();
  private volatile long appendDelayMillis;
  private final AtomicInteger failAfterNextAppends = new AtomicInteger();

  public FaultInjectingLogStore(LogStore delegate) {
    super(delegate);
  }

  /** Makes the next {@code n} calls to {@link #append} throw without writing anything. */
  public void failNextAppends(int n) {
    failNextAppends.set(n);
  }

  /**
   * Makes the next {@code n} calls to {@link #append} write the batch and then throw: a sync error
   * reported after the data reached the disk.
   */
  public void failAfterNextAppends(int n) {
    failAfterNextAppends.set(n);
  }

  /** Makes every {@link #append} wait {@code millis} first: a slow disk. */
  public void delayAppends(long millis) {
    appendDelayMillis = millis;
  }

  public int appendsFailed() {
    return appendsFailed.get();
  }

  @Override
  public void append(AppendBatch batch) {
    long delay = appendDelayMillis;
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failNextAppends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      appendsFailed.incrementAndGet();
      throw new StorageException("injected write failure at leaf index " + batch.startIndex());
    }
    delegate.append(batch);
    if (failAfterNextAppends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      appendsFailed.incrementAndGet();
      throw new StorageException("injected failure after writing leaf index " + batch.startIndex());
    }
  }
}
