package org.rcskt.monitor.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.rcskt.monitor.testing.TestLog;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.RevocationReason;

/**
 * Valid events submitted to a log from one background thread, with the alerts each must raise at a
 * monitor that watches {@link #ALICE} (expecting {@link #expectedKeys()}) and {@link #BOB}
 * (expecting nothing).
 *
 * <p>Most events register and rotate keys of unwatched subjects. Alice goes through cycles of four
 * events on a fresh device: a registration and a rotation to expected keys (silent), a rotation to
 * a key she did not list ({@code unexpected-key}) and a revocation ({@code revocation}). Bob's
 * cycles are a registration and a rotation ({@code unexpected-key} each, since he lists no key), a
 * carrier recovery ({@code unexpected-key} and {@code recovery-rotation}) and a revocation. The
 * revocations keep each subject at one device, so the cycles can go on.
 */
final class Traffic implements AutoCloseable {
  static final String ALICE = "+447700900123";
  static final String BOB = "+447700900456";

  /** Alice's cycles are bounded by the expected keys a watch entry may list (64, two a cycle). */
  static final int ALICE_CYCLES = 32;

  private static final int UNWATCHED = 6;

  private final TestLog log;
  private final Random random;
  private final long pauseMillis;
  private final List<Ed25519.KeyPair> expected = new ArrayList<>();
  private final NavigableMap<Long, List<String>> alertsByLeaf = new ConcurrentSkipListMap<>();
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stop;

  private final Ed25519.KeyPair[] unwatchedKeys = new Ed25519.KeyPair[UNWATCHED];
  private int aliceStep;
  private int bobStep;
  private Ed25519.KeyPair aliceKey;
  private Ed25519.KeyPair bobKey;

  Traffic(TestLog log, long seed, long pauseMillis) {
    this.log = log;
    this.random = new Random(seed);
    this.pauseMillis = pauseMillis;
    for (int i = 0; i < 2 * ALICE_CYCLES; i++) {
      expected.add(Ed25519.KeyPair.generate(random));
    }
    this.thread = new Thread(this::run, "crash-traffic");
    this.thread.setDaemon(true);
  }

  /** The keys Alice's watch entry lists. */
  List<Ed25519.KeyPair> expectedKeys() {
    return expected;
  }

  void start() {
    thread.start();
  }

  /** Submits {@code n} events on the caller's thread (before {@link #start}). */
  void submitNow(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      next();
    }
  }

  /** How many events were acknowledged by the log. */
  long submitted() {
    return submitted.get();
  }

  /** The alert ids the acknowledged events must raise, by leaf index. */
  Map<Long, List<String>> alertsByLeaf() {
    return alertsByLeaf;
  }

  /** The alert ids that events at leaf indexes below {@code treeSize} must raise. */
  List<String> alertsBelow(long treeSize) {
    List<String> out = new ArrayList<>();
    alertsByLeaf.headMap(treeSize, false).values().forEach(out::addAll);
    return out;
  }

  /** The first failure of the writer thread, or null. */
  Throwable failure() {
    return failure.get();
  }

  private void run() {
    try {
      while (!stop) {
        next();
        Thread.sleep(pauseMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  private void next() throws Exception {
    int r = random.nextInt(8);
    if (r == 0 && aliceStep < 4 * ALICE_CYCLES) {
      alice();
    } else if (r <= 1) {
      bob();
    } else {
      unwatched(random.nextInt(UNWATCHED));
    }
    submitted.incrementAndGet();
  }

  private void alice() throws Exception {
    int cycle = aliceStep / 4;
    String device = "a" + cycle;
    switch (aliceStep++ % 4) {
      case 0 -> {
        aliceKey = expected.get(2 * cycle);
        log.register(ALICE, device, aliceKey);
      }
      case 1 -> {
        Ed25519.KeyPair next = expected.get(2 * cycle + 1);
        log.rotate(ALICE, device, aliceKey, next);
        aliceKey = next;
      }
      case 2 -> {
        Ed25519.KeyPair rogue = Ed25519.KeyPair.generate(random);
        expect(log.rotate(ALICE, device, aliceKey, rogue), "unexpected-key");
        aliceKey = rogue;
      }
      default ->
          expect(log.revoke(ALICE, device, aliceKey, RevocationReason.COMPROMISED), "revocation");
    }
  }

  private void bob() throws Exception {
    String device = "b" + bobStep / 4;
    switch (bobStep++ % 4) {
      case 0 -> {
        bobKey = Ed25519.KeyPair.generate(random);
        expect(log.register(BOB, device, bobKey), "unexpected-key");
      }
      case 1 -> {
        Ed25519.KeyPair next = Ed25519.KeyPair.generate(random);
        expect(log.rotate(BOB, device, bobKey, next), "unexpected-key");
        bobKey = next;
      }
      case 2 -> {
        bobKey = Ed25519.KeyPair.generate(random);
        expect(log.recover(BOB, device, bobKey), "unexpected-key", "recovery-rotation");
      }
      default ->
          expect(log.revoke(BOB, device, bobKey, RevocationReason.DEVICE_LOST), "revocation");
    }
  }

  private void unwatched(int i) throws Exception {
    String phone = String.format("+1555000%04d", i);
    Ed25519.KeyPair next = Ed25519.KeyPair.generate(random);
    if (unwatchedKeys[i] == null) {
      log.register(phone, "phone", next);
    } else {
      log.rotate(phone, "phone", unwatchedKeys[i], next);
    }
    unwatchedKeys[i] = next;
  }

  private void expect(long leafIndex, String... kinds) {
    List<String> ids = new ArrayList<>();
    for (String k : kinds) {
      ids.add(k + ":" + log.origin() + ":" + leafIndex);
    }
    alertsByLeaf.put(leafIndex, ids);
  }

  /** Stops the writer thread and waits for it. */
  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(30_000);
    if (thread.isAlive()) {
      throw new IllegalStateException("the traffic thread did not stop");
    }
  }
}
