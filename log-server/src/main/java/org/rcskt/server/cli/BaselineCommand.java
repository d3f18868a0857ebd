package org.rcskt.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.KeyResolver;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.merkle.CompactRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baseline}: the machine's limit for what the server does per event, with no HTTP, no JSON
 * and no rules: the same signature checks (on every core), leaf and tree hashing, and batched
 * synced RocksDB writes of the entries, leaf index and tree nodes. Benchmarks state their ingest
 * rate as a ratio to this.
 */
@Command(
    name = "baseline",
    description =
        "No-HTTP ingest baseline: signature checks on every core, hashing and batched synced"
            + " RocksDB writes, in a tight loop.",
    mixinStandardHelpOptions = true)
final class BaselineCommand implements Callable<Integer> {
  @Option(names = "--events", description = "events (default ${DEFAULT-VALUE})")
  int events = 100_000;

  @Option(names = "--batch", description = "entries per synced write (default ${DEFAULT-VALUE})")
  int batch = 1000;

  @Option(names = "--unattested", description = "one signature per event instead of two")
  boolean unattested;

  @Option(names = "--dir", description = "scratch directory for the RocksDB store (deleted after)")
  Path dir;

  @Override
  public Integer call() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Ed25519.KeyPair carrier = Ed25519.KeyPair.fromSeed(Hash.sha256(new byte[] {7}).toByteArray());
    AnchorRegistry none = AnchorRegistry.EMPTY;
    PublicKeyInfo carrierKey = PublicKeyInfo.ed25519(carrier.publicKey());
    KeyResolver resolver = keyId -> keyId.equals(carrierKey.keyId()) ? carrierKey : null;
    long now = System.currentTimeMillis();
    long t0 = System.nanoTime();
    KeyEvent[] es = new KeyEvent[events];
    IntStream.range(0, events)
        .parallel()
        .forEach(i -> es[i] = BenchCommand.event(99, i, now, "dev-carrier", carrier, unattested));
    System.out.printf("prepared %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);

    // 1. Signature checks alone, on every core.
    long v0 = System.nanoTime();
    long sigs =
        IntStream.range(0, events)
            .parallel()
            .mapToLong(
                i -> {
                  try {
                    return EventSignatures.verify(es[i], resolver).signerKeyIds().size();
                  } catch (RuleViolationException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .sum();
    double vs = (System.nanoTime() - v0) / 1e9;
    System.out.printf(
        "signature checks: %,d events (%,d signatures) in %.2f s on %d cores: %,.0f events/s%n",
        events, sigs, vs, cores, events / vs);

    // 2. The pipeline: verification on every core feeding one writer that hashes and writes
    // batches with sync, as the integrator does.
    Path scratch = dir != null ? dir : Files.createTempDirectory("rcskt-baseline");
    try (RocksDbLogStore store = RocksDbLogStore.open(scratch.resolve("db"))) {
      BlockingQueue<KeyEvent> queue = new ArrayBlockingQueue<>(20_000);
      ExecutorService pool = Executors.newFixedThreadPool(cores);
      AtomicLong next = new AtomicLong();
      long p0 = System.nanoTime();
      for (int c = 0; c < cores; c++) {
        pool.execute(
            () -> {
              for (long i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                try {
                  EventSignatures.verify(es[(int) i], resolver);
                  queue.put(es[(int) i]);
                } catch (RuleViolationException e) {
                  throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });
      }
      CompactRange range = CompactRange.empty();
      long written = 0;
      int batches = 0;
      List<KeyEvent> taken = new ArrayList<>(batch);
      while (written < events) {
        taken.clear();
        taken.add(queue.take());
        queue.drainTo(taken, batch - 1);
        AppendBatch b = new AppendBatch(written);
        for (KeyEvent e : taken) {
          byte[] enc = e.encoded();
          Hash leaf = e.leafHash();
          b.addEntry(enc, leaf);
          range.append(leaf, b::addNode);
        }
        b.setCheckpoint(range.rootHash().toByteArray());
        store.append(b);
        written += taken.size();
        batches++;
      }
      double ps = (System.nanoTime() - p0) / 1e9;
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      System.out.printf(
          "pipeline: %,d events in %.2f s (%d synced writes, %.0f events each): %,.0f events/s%n",
          events, ps, batches, (double) events / batches, events / ps);
    } finally {
      if (dir == null) {
        deleteTree(scratch);
      }
    }
    return 0;
  }

  static void deleteTree(Path p) throws java.io.IOException {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
