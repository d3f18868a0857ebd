package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.rcskt.server.config.ConfigException;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * Builds the events the benchmarks submit: one REGISTER per fresh subject, each with its own device
 * key, signed by that key and (unless unattested) by the carrier's anchor key. Everything is built
 * before any timing starts, on all cores, and deterministically from a seed: event {@code i} of a
 * run depends only on the seed, the namespace and {@code i}, not on the thread that built it.
 *
 * <p>Subjects are the phone numbers {@code +<namespace, 5 digits><i, 10 digits>}, so runs with
 * different namespaces never collide, and one namespace holds 10^10 subjects.
 */
public final class BenchEvents {
  /** The number of distinct namespaces ({@code 10000..99999}: the first digit is never 0). */
  public static final int NAMESPACES = 90_000;

  /** The most subjects one namespace holds. */
  public static final long MAX_PER_NAMESPACE = 10_000_000_000L;

  /** The device id every benchmark REGISTER uses. */
  public static final String DEVICE_ID = "phone-1";

  private final String carrierId;
  private final Ed25519.KeyPair carrier;
  private final int namespace;
  private final long seed;
  private final Ed25519.KeyPair[] devicePool;
  private int hybridPerTenThousand;
  private org.rcskt.verifier.event.EventSigner[] hybridPool =
      new org.rcskt.verifier.event.EventSigner[0];
  private BenchAttestation attestation;

  /**
   * @param carrier the carrier's anchor key, which signs every event beside its device key; null
   *     for unattested REGISTERs, signed by the device alone
   * @param namespace 0 to {@link #NAMESPACES} - 1; selects a disjoint range of subjects
   * @param deviceKeys 0 for a new device key per event, otherwise the size of a pool of device keys
   *     that events reuse (event {@code i} takes key {@code i mod deviceKeys}); the rules allow
   *     that, since a key need only be unique within its subject. A server parses every request
   *     afresh, so it decodes and checks the key as often either way; the pool only spares the
   *     preparation a key generation per event.
   * @throws IllegalArgumentException if {@code namespace} is out of range
   */
  public BenchEvents(
      String carrierId, Ed25519.KeyPair carrier, int namespace, long seed, int deviceKeys) {
    if (namespace < 0 || namespace >= NAMESPACES) {
      throw new IllegalArgumentException(
          "namespace must be in 0.." + (NAMESPACES - 1) + ", got " + namespace);
    }
    this.carrierId = carrierId;
    this.carrier = carrier;
    this.namespace = namespace;
    this.seed = seed;
    if (deviceKeys < 0) {
      throw new IllegalArgumentException("deviceKeys must be >= 0, got " + deviceKeys);
    }
    this.devicePool = new Ed25519.KeyPair[deviceKeys];
    for (int k = 0; k < deviceKeys; k++) {
      devicePool[k] = freshKey(k);
    }
  }

  /**
   * Reads an Ed25519 signer key file as the server writes them (a C2SP signer key line), such as
   * the development carrier key {@code dev-carrier.key} in a server's data directory.
   *
   * @throws ConfigException if the file does not exist or does not hold a signer key
   */
  public static Ed25519.KeyPair readSignerKey(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("key file " + file + " does not exist");
    }
    // The file exists, so this reads it and never generates a key.
    return ServerKeys.devCarrierKey(file);
  }

  /**
   * The subject of event {@code i}: a hash of its number standing in for the VRF index. The log
   * never sees numbers and cannot tell the two apart, and a VRF proof per event would make
   * preparing millions of events take an hour; these subjects are therefore not found by a lookup
   * of their number.
   */
  public Hash subject(long i) {
    return Hash.sha256(
        BENCH_SUBJECT_LABEL, phoneNumber(namespace, i).getBytes(StandardCharsets.US_ASCII));
  }

  private static final byte[] BENCH_SUBJECT_LABEL =
      "rcskt bench subject".getBytes(StandardCharsets.US_ASCII);

  /** {@code +<10000 + namespace><i, zero-padded to 10 digits>}: 15 digits, a valid E.164 form. */
  static String phoneNumber(int namespace, long i) {
    if (i < 0 || i >= MAX_PER_NAMESPACE) {
      throw new IllegalArgumentException("subject number " + i + " is out of range");
    }
    StringBuilder sb = new StringBuilder(16).append('+').append(10_000 + namespace);
    String n = Long.toString(i);
    for (int k = n.length(); k < 10; k++) {
      sb.append('0');
    }
    return sb.append(n).toString();
  }

  /** The device key of event {@code i}. */
  public Ed25519.KeyPair deviceKey(long i) {
    return devicePool.length == 0 ? freshKey(i) : devicePool[(int) (i % devicePool.length)];
  }

  private Ed25519.KeyPair freshKey(long i) {
    return Ed25519.KeyPair.generate(new Random(seed * 0x9E3779B97F4A7C15L + i));
  }

  /**
   * Makes a share of the events (chosen by their index, so the same for every run with the same
   * seed) register an Ed25519 + ML-DSA-65 hybrid key instead of an Ed25519 key, drawn from a pool
   * of {@code poolSize} hybrid keys.
   *
   * @param share 0 to 1
   * @throws IllegalArgumentException if the share is out of range or the pool is empty
   */
  public BenchEvents withHybridShare(double share, int poolSize) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the hybrid share must be 0 to 1, got " + share);
    }
    if (share > 0 && poolSize < 1) {
      throw new IllegalArgumentException("the hybrid key pool must hold at least one key");
    }
    hybridPerTenThousand = (int) Math.round(share * 10_000);
    hybridPool = new org.rcskt.verifier.event.EventSigner[share > 0 ? poolSize : 0];
    Random r = new Random(seed * 31 + 7);
    for (int k = 0; k < hybridPool.length; k++) {
      hybridPool[k] =
          org.rcskt.verifier.event.EventSigner.of(
              org.rcskt.verifier.crypto.Ed25519MlDsa65.KeyPair.generate(r));
    }
    return this;
  }

  /** Makes every REGISTER carry device attestation evidence from {@code a}'s test CA. */
  BenchEvents withAttestation(BenchAttestation a) {
    this.attestation = a;
    return this;
  }

  /** Whether event {@code i} registers a hybrid key. */
  public boolean isHybrid(long i) {
    if (hybridPerTenThousand == 0) {
      return false;
    }
    long h = (i + 1) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 31;
    return Long.remainderUnsigned(h, 10_000) < hybridPerTenThousand;
  }

  /**
   * Event {@code i}: the REGISTER of subject {@code i}'s first device, with {@code timestampMs}.
   */
  public KeyEvent register(long i, long timestampMs) {
    if (isHybrid(i)) {
      org.rcskt.verifier.event.EventSigner device = hybridPool[(int) (i % hybridPool.length)];
      EventBuilder b =
          EventBuilder.forSubject(subject(i), carrierId)
              .sequence(0)
              .previousHash(Hash.ZERO)
              .timestampMs(timestampMs)
              .register(DEVICE_ID, device.publicKey());
      return carrier == null
          ? b.sign(device)
          : b.sign(device, org.rcskt.verifier.event.EventSigner.of(carrier));
    }
    return register(i, deviceKey(i), timestampMs);
  }

  /** Event {@code i} with a given device key. */
  public KeyEvent register(long i, Ed25519.KeyPair device, long timestampMs) {
    PublicKeyInfo key = PublicKeyInfo.ed25519(device.publicKey());
    EventBuilder b =
        EventBuilder.forSubject(subject(i), carrierId)
            .sequence(0)
            .previousHash(Hash.ZERO)
            .timestampMs(timestampMs);
    if (attestation != null && attestation.kind() != BenchAttestation.Kind.NONE) {
      b.attestationEvidence(
          attestation.evidence(
              org.rcskt.verifier.attestation.AttestationChallenge.of(
                  subject(i).toByteArray(),
                  carrierId,
                  DEVICE_ID,
                  key.keyId().toByteArray(),
                  timestampMs),
              timestampMs));
    }
    b.register(DEVICE_ID, key);
    return carrier == null ? b.sign(device) : b.sign(device, carrier);
  }

  /**
   * The JSON request bodies (UTF-8) of events {@code 0..count-1}, built on {@code threads} threads;
   * event {@code i} gets timestamp {@code timestamps.applyAsLong(i)}.
   */
  public byte[][] jsonBodies(int count, int threads, LongUnaryOperator timestamps) {
    byte[][] out = new byte[count][];
    parallel(
        count,
        threads,
        i ->
            out[i] =
                EventJson.toJsonString(register(i, timestamps.applyAsLong(i)))
                    .getBytes(StandardCharsets.UTF_8));
    return out;
  }

  interface IndexTask {
    void run(int i);
  }

  /**
   * Runs {@code task} for every index in {@code 0..count-1} on {@code threads} threads, in chunks,
   * printing progress to standard error for long runs.
   */
  static void parallel(int count, int threads, IndexTask task) {
    int chunk = 1024;
    int chunks = (count + chunk - 1) / chunk;
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      Future<?>[] fs = new Future<?>[Math.max(1, threads)];
      for (int t = 0; t < fs.length; t++) {
        fs[t] =
            pool.submit(
                () -> {
                  long c;
                  while ((c = next.getAndIncrement()) < chunks) {
                    int from = (int) (c * chunk);
                    int to = Math.min(count, from + chunk);
                    for (int i = from; i < to; i++) {
                      task.run(i);
                    }
                    long d = done.addAndGet(to - from);
                    if (count >= 200_000 && (d / chunk) % Math.max(1, chunks / 10) == 0) {
                      System.err.printf(
                          "  prepared %,d of %,d events (%.0f s)%n",
                          d, count, (System.nanoTime() - started) / 1e9);
                    }
                  }
                  return null;
                });
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing events", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("preparing events failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
