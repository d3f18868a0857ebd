package org.rcskt.monitor.alert;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rcskt.monitor.metrics.MonitorMetrics;

/**
 * Drains the {@link AlertOutbox}: one thread per sink delivers that sink's queue in order, retrying
 * a failed delivery with exponential backoff for as long as it takes. A sink that is down holds up
 * only its own queue.
 *
 * <p>An alert is removed from a queue only after its sink took it, so an alert survives a crash or
 * a receiver outage; the worst a crash can do is deliver one alert twice (between the delivery and
 * the removal), and sinks that keep their own record ({@link AlertSink#lastDelivered()}) avoid even
 * that.
 */
public final class AlertDispatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(AlertDispatcher.class.getName());
  private static final int BATCH = 64;

  /** A sink with its retry schedule. */
  public record Route(AlertSink sink, Duration minBackoff, Duration maxBackoff) {}

  private final AlertOutbox outbox;
  private final MonitorMetrics metrics;
  private final List<Worker> workers = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private long wakeups;
  private volatile boolean closed;

  public AlertDispatcher(AlertOutbox outbox, List<Route> routes, MonitorMetrics metrics) {
    this.outbox = outbox;
    this.metrics = metrics;
    for (Route r : routes) {
      workers.add(new Worker(r));
    }
  }

  /** Starts one delivery thread per sink. */
  public void start() {
    for (Worker w : workers) {
      w.thread.start();
    }
  }

  /** Tells the workers that new alerts were committed. */
  public void wake() {
    lock.lock();
    try {
      wakeups++;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * How long {@link #close} lets deliveries in flight finish before interrupting them. Interrupting
   * at once would fail an attempt the receiver may already have taken (a webhook that read the
   * alert but had not answered yet), so an orderly stop would deliver it again at the next start.
   */
  static final long CLOSE_GRACE_MILLIS = 5_000;

  /**
   * Stops the workers and closes the sinks. A delivery in flight gets up to {@link
   * #CLOSE_GRACE_MILLIS} to finish (and its alert is then dequeued); after that it is interrupted
   * and its alert stays queued for the next start.
   */
  @Override
  public void close() {
    closed = true;
    wake();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
    try {
      for (Worker w : workers) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left > 0) {
          w.thread.join(left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Worker w : workers) {
      w.thread.interrupt();
    }
    for (Worker w : workers) {
      try {
        w.thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        w.route.sink().close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing alert sink " + w.route.sink().name() + " failed", e);
      }
    }
  }

  private final class Worker implements Runnable {
    final Route route;
    final Thread thread;
    final Backoff backoff;

    Worker(Route route) {
      this.route = route;
      this.backoff = new Backoff(route.minBackoff(), route.maxBackoff());
      this.thread = new Thread(this, "alert-sink-" + route.sink().name());
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      String name = route.sink().name();
      Alert recorded = route.sink().lastDelivered();
      long skipUpTo = -1;
      while (!closed) {
        long seen;
        lock.lock();
        try {
          seen = wakeups;
        } finally {
          lock.unlock();
        }
        List<Alert> batch;
        try {
          batch = outbox.pending(name, BATCH);
          metrics.pending(name, outbox.pendingCount(name));
        } catch (IOException e) {
          LOG.log(Level.ERROR, "reading the alert queue of " + name + " failed", e);
          if (!sleep(backoff.nextDelayMillis())) {
            return;
          }
          continue;
        }
        if (batch.isEmpty()) {
          waitForWork(seen);
          continue;
        }
        if (skipUpTo < 0) {
          skipUpTo = alreadyDelivered(name, recorded, batch);
        }
        for (Alert a : batch) {
          if (closed) {
            return;
          }
          if (!deliverOne(a, a.seq() <= skipUpTo)) {
            return;
          }
        }
      }
    }

    /**
     * Up to which sequence number the queued alerts are already in the sink's own record: the
     * record's last alert, if the queue's first batch holds that very alert; otherwise 0 (and a
     * warning when the record claims queued sequence numbers it does not match).
     */
    private long alreadyDelivered(String name, Alert recorded, List<Alert> batch) {
      if (recorded == null) {
        return 0;
      }
      for (Alert a : batch) {
        if (a.seq() == recorded.seq()) {
          if (a.id().equals(recorded.id())) {
            return recorded.seq();
          }
          break;
        }
      }
      if (batch.get(0).seq() <= recorded.seq()) {
        LOG.log(
            Level.WARNING,
            "sink "
                + name
                + " already holds an alert with sequence number "
                + recorded.seq()
                + " (id "
                + recorded.id()
                + ") that is not the queued one: its record is from another monitor or from before"
                + " this monitor's state was reset; delivering every queued alert");
      }
      return 0;
    }

    // Delivers (or skips) one alert and dequeues it, retrying until done; false when closing.
    private boolean deliverOne(Alert a, boolean alreadyDelivered) {
      String name = route.sink().name();
      while (!closed) {
        try {
          if (alreadyDelivered) {
            metrics.delivery(name, "skipped");
          } else {
            route.sink().deliver(a);
            metrics.delivery(name, "delivered");
          }
          outbox.remove(name, a.seq());
          backoff.reset();
          return true;
        } catch (IOException e) {
          metrics.delivery(name, "failed");
          long delay = backoff.nextDelayMillis();
          LOG.log(
              Level.WARNING,
              "delivering alert "
                  + a.seq()
                  + " to "
                  + name
                  + " failed ("
                  + e.getMessage()
                  + "); retrying in "
                  + delay
                  + " ms");
          if (!sleep(delay)) {
            return false;
          }
        }
      }
      return false;
    }

    private void waitForWork(long seen) {
      lock.lock();
      try {
        if (wakeups == seen && !closed) {
          // A timed wait also catches alerts committed by another process's earlier run.
          wake.await(1, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    }

    private boolean sleep(long ms) {
      lock.lock();
      try {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return true;
          }
          wake.awaitNanos(left);
        }
        return false;
      } catch (InterruptedException e) {
        return false;
      } finally {
        lock.unlock();
      }
    }
  }
}
