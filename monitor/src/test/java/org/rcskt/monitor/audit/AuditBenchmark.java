package org.rcskt.monitor.audit;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import picocli.CommandLine;

/**
 * Measures the audit of a large log served by a real log server over HTTP (docs/audit.md, "Speed").
 * Not a unit test: run it by hand (see docs/audit.md for the command).
 *
 * <p>Arguments: {@code <data dir> [subjects]}. The first run generates the log into the data
 * directory by writing through the server's storage API (signing every event for real, in
 * parallel); later runs reuse it. The log has, for {@code subjects} subjects: three ANCHOR events,
 * then one REGISTER per subject (nine in ten attested by a carrier), one ROTATE per subject (one in
 * eight a carrier recovery), and a REVOKE for every second subject: {@code 2.5 * subjects + 3}
 * entries, 1,000,003 for the default 400,000 subjects, timestamped over 100 days.
 */
public final class AuditBenchmark {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final String[] CARRIERS = {
    "carrier-a.example", "carrier-b.example", "carrier-c.example"
  };

  private AuditBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int subjects = args.length > 1 ? Integer.parseInt(args[1]) : 400_000;
    long entries = 3 + subjects * 2L + subjects / 2;
    ServerConfig config =
        ServerConfig.builder(data)
            .host("127.0.0.1")
            .port(0)
            .origin("bench.example/log")
            .allowUnattested(true)
            .build();
    if (!Files.exists(data.resolve("db"))) {
      long t = System.nanoTime();
      generate(config, subjects, entries);
      System.out.printf(
          Locale.ROOT, "generated %,d entries in %.1f s%n", entries, (System.nanoTime() - t) / 1e9);
    }
    try (LogServer server = LogServer.start(config)) {
      Path out = Files.createTempDirectory("audit-bench");
      long t = System.nanoTime();
      int exit =
          new CommandLine(new AuditCommand())
              .setErr(new PrintWriter(System.err, true))
              .execute(
                  "--log-url", server.baseUrl(),
                  "--log-key", server.verifierKey(),
                  "--json", out.resolve("report.json").toString(),
                  "--html", out.resolve("report.html").toString(),
                  "--as-of", Instant.ofEpochMilli(T0 + 100 * 86_400_000L).toString());
      double secs = (System.nanoTime() - t) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "audit of %,d entries over HTTP: %.1f s (%,.0f entries/s), exit %d, %d processors, max heap %d MiB%n",
          entries,
          secs,
          entries / secs,
          exit,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  private static void generate(ServerConfig config, int subjects, long total) {
    Ed25519NoteSigner logKey = ServerKeys.logSigner(config.logKeyFile(), config.origin());
    Ed25519.KeyPair policy = ServerKeys.policyKey(config.policyKeyFile()).keyPair();
    long span = 100 * 86_400_000L;
    long step = span / total;
    Ed25519.KeyPair[] anchors = new Ed25519.KeyPair[CARRIERS.length];
    byte[][] leaves = new byte[(int) total][];
    for (int c = 0; c < CARRIERS.length; c++) {
      anchors[c] = Ed25519.KeyPair.generate(new java.util.Random(c));
      leaves[c] =
          EventBuilder.forCarrier(CARRIERS[c])
              .timestampMs(T0 + c * step)
              .anchorAdd(PublicKeyInfo.ed25519(anchors[c].publicKey()))
              .sign(policy)
              .encoded();
    }
    AtomicLong done = new AtomicLong();
    IntStream.range(0, subjects)
        .parallel()
        .forEach(
            i -> {
              java.util.Random r = new java.util.Random(1000L + i);
              int c = i % CARRIERS.length;
              String carrier = CARRIERS[c];
              Hash s = TestVrf.standIn(String.format(Locale.ROOT, "+1555%08d", i));
              Ed25519.KeyPair k1 = Ed25519.KeyPair.generate(r);
              Ed25519.KeyPair k2 = Ed25519.KeyPair.generate(r);
              long p0 = 3L + i;
              long p1 = 3L + subjects + i;
              EventBuilder reg =
                  EventBuilder.forSubject(s, carrier)
                      .timestampMs(T0 + p0 * step)
                      .register("phone", PublicKeyInfo.ed25519(k1.publicKey()));
              KeyEvent e0 = i % 10 == 9 ? reg.sign(k1) : reg.sign(k1, anchors[c]);
              EventBuilder rot =
                  EventBuilder.forSubject(s, carrier)
                      .after(e0)
                      .timestampMs(T0 + p1 * step)
                      .rotate("phone", PublicKeyInfo.ed25519(k2.publicKey()));
              KeyEvent e1 = i % 8 == 7 ? rot.sign(k2, anchors[c]) : rot.sign(k2, k1);
              leaves[(int) p0] = e0.encoded();
              leaves[(int) p1] = e1.encoded();
              if (i % 2 == 0) {
                long p2 = 3L + 2L * subjects + i / 2;
                leaves[(int) p2] =
                    EventBuilder.forSubject(s, carrier)
                        .after(e1)
                        .timestampMs(T0 + p2 * step)
                        .revoke("phone", RevocationReason.values()[(i / 2) % 4])
                        .sign(k2)
                        .encoded();
              }
              long d = done.incrementAndGet();
              if (d % 50_000 == 0) {
                System.out.printf(Locale.ROOT, "signed the events of %,d subjects%n", d);
              }
            });
    CheckpointSigner signer = CheckpointSigner.of(logKey);
    try (RocksDbLogStore store = RocksDbLogStore.open(config.dataDir().resolve("db"))) {
      CompactRange range = CompactRange.empty();
      int batchSize = 20_000;
      for (int start = 0; start < total; start += batchSize) {
        AppendBatch batch = new AppendBatch(start);
        int end = (int) Math.min(total, start + (long) batchSize);
        for (int i = start; i < end; i++) {
          Hash leaf = Merkle.leafHash(leaves[i]);
          batch.addEntry(leaves[i], leaf);
          range.append(leaf, batch::addNode);
        }
        batch.setCheckpoint(signer.sign(range.treeSize(), range.rootHash()));
        store.append(batch);
      }
    }
  }
}
