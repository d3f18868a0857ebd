package org.rcskt.server.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Note;
import org.rcskt.verifier.note.NoteSignature;
import org.rcskt.verifier.witness.AddCheckpointRequest;

/**
 * Requests for a C2SP tlog-witness ({@code POST /add-checkpoint} of a monitor), sent to the witness
 * of {@code --witness-url} rather than to the log: garbage bodies, bodies over the size limit, old
 * size lines that are no number, negative, with leading zeros or huge, too many proof lines and
 * proof lines that are no base64 or not 32 bytes, the log's checkpoint with a signature that does
 * not verify, checkpoints of logs the witness does not serve, the log's checkpoint with a wrong old
 * size or a wrong consistency proof, and correct requests: a checkpoint of the log with the log's
 * proof from the witness's latest size. Each variant has the status the spec (and docs/monitor.md)
 * gives it, and the family judges every answer against it; a 5xx is wrong whatever the variant.
 *
 * <p>The checkpoints and proofs are the log's own ({@link WitnessClient}). Correct requests take
 * the witness only to a checkpoint known for half a second, so that the witness is mostly a step
 * behind the log's newest checkpoint, and the wrong proofs are mostly the log's real proof to it
 * with a flaw (a bit flipped, a hash missing or added) rather than hashes where none belong. The
 * witness's latest size is learned from its answers (a 200 to a correct request, the size in a
 * 409); a request drawn with a size the witness has since left (another thread's correct request
 * got there first) is answered 409 with a larger size, which is counted as overtaken rather than as
 * wrong.
 */
final class WitnessFamily implements HostileFamily {
  /** The family's name. */
  static final String NAME = "witness";

  /** The kind under which correct requests are counted as valid traffic. */
  static final String COSIGN_KIND = "witness-cosign";

  /** What every answer the family judged wrong is recorded against: nothing meets it. */
  private static final Expect WRONG = new Expect(Expect.Kind.SUCCESS, "\u0000", 0);

  private static final int EXAMPLES = HostileStats.EXAMPLES;

  /** The status a request must get, as docs/monitor.md lists them. */
  enum Want {
    COSIGNATURE(200),
    MALFORMED(400),
    BAD_SIGNATURE(403),
    UNKNOWN_LOG(404),
    OLD_SIZE(409),
    TOO_LARGE(413),
    BAD_PROOF(422);

    final int status;

    Want(int status) {
      this.status = status;
    }
  }

  /**
   * One request for the witness.
   *
   * @param exchange the request as sent
   * @param want the status it must get
   * @param oldSize the old size it names (for the requests whose answer depends on it)
   * @param latest the witness's latest size as the family knew it when it drew the request
   * @param checkpoint the log's checkpoint the request holds, whose cosignature a 200 must be
   */
  record Request(
      Exchange exchange, Want want, long oldSize, long latest, WitnessClient.Cp checkpoint) {}

  /**
   * How an answer is counted: under which variant, against which expectation (one the answer meets
   * when the family judged it right) and as which kind of valid traffic.
   */
  record Verdict(String what, Expect expect, String kind) {}

  private final WitnessClient witness;
  private final Ed25519NoteSigner[] strangers;
  private final Ed25519NoteSigner impostor;
  private final LongAdder cosigned = new LongAdder();
  private final LongAdder overtaken = new LongAdder();
  private final LongAdder wrong = new LongAdder();
  private final List<String> wrongExamples = Collections.synchronizedList(new ArrayList<>());

  WitnessFamily(WitnessClient witness, long seed) {
    this.witness = witness;
    String origin = witness.origin();
    String upper = origin.toUpperCase(Locale.ROOT);
    List<String> names =
        List.of(
            "unknown.example/log",
            "witness.invalid/other-log",
            origin + "/x",
            upper.equals(origin) ? origin + "-2" : upper);
    strangers = new Ed25519NoteSigner[names.size()];
    for (int k = 0; k < names.size(); k++) {
      strangers[k] =
          Ed25519NoteSigner.of(names.get(k), Ed25519.KeyPair.generate(new Random(seed * 7 + k)));
    }
    impostor = Ed25519NoteSigner.of(origin, Ed25519.KeyPair.generate(new Random(~seed)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "POST /add-checkpoint to the witness: garbage, oversized bodies, bad old size and proof"
        + " lines, bad signatures, unknown logs, wrong old sizes and proofs, and correct requests;"
        + " each must get its documented status";
  }

  @Override
  public double defaultWeight() {
    return 10;
  }

  /** The witness the requests go to. */
  WitnessClient witness() {
    return witness;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    return request(r, i).exchange();
  }

  /** Request {@code i} of the run, drawn with {@code r}. */
  Request request(SplittableRandom r, long i) {
    WitnessClient.Cp c = witness.current();
    long latest = witness.latest();
    int pick = r.nextInt(100);
    if (pick < 10) {
      return garbage(r, c, latest);
    }
    if (pick < 16) {
      return oversized(r, c, latest);
    }
    if (pick < 30) {
      return oldLine(r, c, latest);
    }
    if (pick < 32) {
      long old =
          r.nextInt(8) == 0 ? Long.MAX_VALUE : c.size() + 1 + r.nextLong(1L << (1 + r.nextInt(40)));
      return post(
          "old-above-checkpoint", body("old " + old, List.of(), c.raw()), Want.MALFORMED, old, c);
    }
    if (pick < 40) {
      return proofLines(r, c, latest);
    }
    if (pick < 52) {
      return badSignature(r, c, latest);
    }
    if (pick < 58) {
      return unknownOrigin(r, c, latest);
    }
    if (pick < 68) {
      return wrongOldSize(r, c, latest);
    }
    if (pick < 78) {
      return badProof(r, c, latest);
    }
    return cosign(r, latest);
  }

  private Request garbage(SplittableRandom r, WitnessClient.Cp c, long latest) {
    String old = "old " + latest;
    switch (r.nextInt(10)) {
      case 0 -> {
        return post("garbage-empty", new byte[0], Want.MALFORMED, latest, c);
      }
      case 1 -> {
        byte[] b = new byte[1 + r.nextInt(4000)];
        r.nextBytes(b);
        b[0] = (byte) ('a' + r.nextInt(14)); // never the 'o' of "old "
        return post("garbage-random", b, Want.MALFORMED, latest, c);
      }
      case 2 -> {
        StringBuilder sb = new StringBuilder();
        int lines = 1 + r.nextInt(40);
        for (int k = 0; k < lines; k++) {
          int n = r.nextInt(80);
          for (int j = 0; j < n; j++) {
            sb.append((char) (' ' + r.nextInt(95)));
          }
          sb.append('\n');
        }
        if (sb.toString().startsWith("old ")) {
          sb.setCharAt(0, 'x');
        }
        return post("garbage-lines", utf8(sb.toString()), Want.MALFORMED, latest, c);
      }
      case 3 -> {
        // The proof never ends: no empty line, no checkpoint.
        List<String> lines = new ArrayList<>();
        lines.add(old);
        int k = r.nextInt(4);
        for (int j = 0; j < k; j++) {
          lines.add(hashLine(r));
        }
        return post(
            "garbage-no-empty-line",
            utf8(String.join("\n", lines) + (r.nextBoolean() ? "\n" : "")),
            Want.MALFORMED,
            latest,
            c);
      }
      case 4 -> {
        return post("garbage-no-checkpoint", utf8(old + "\n\n"), Want.MALFORMED, latest, c);
      }
      case 5 -> {
        return post("garbage-checkpoint-only", c.raw(), Want.MALFORMED, latest, c);
      }
      case 6 -> {
        String json =
            "{\"old\":"
                + latest
                + ",\"proof\":[],\"checkpoint\":\""
                + new String(c.raw(), StandardCharsets.UTF_8).replace("\n", "\\n")
                + "\"}";
        return post("garbage-json", utf8(json), Want.MALFORMED, latest, c);
      }
      case 7 -> {
        // Every line ends in CRLF: the old size is "N\r".
        String crlf = new String(body(old, List.of(), c.raw()), StandardCharsets.UTF_8);
        return post("garbage-crlf", utf8(crlf.replace("\n", "\r\n")), Want.MALFORMED, latest, c);
      }
      default -> {
        return post(
            "garbage-checkpoint",
            body(old, List.of(), malformedCheckpoint(r, c)),
            Want.MALFORMED,
            latest,
            c);
      }
    }
  }

  /** A checkpoint note the witness cannot parse, with the log's real signature line after it. */
  private byte[] malformedCheckpoint(SplittableRandom r, WitnessClient.Cp c) {
    Checkpoint cp = c.checkpoint();
    String sig = signatureLines(c.note());
    String root = cp.rootHash().toBase64();
    String body =
        switch (r.nextInt(9)) {
          case 0 -> cp.origin() + "\n-" + cp.treeSize() + "\n" + root + "\n";
          case 1 -> cp.origin() + "\n0" + cp.treeSize() + "\n" + root + "\n";
          case 2 -> cp.origin() + "\n" + cp.treeSize() + "x\n" + root + "\n";
          case 3 -> cp.origin() + "\n" + cp.treeSize() + "\n" + root.substring(0, 40) + "\n";
          case 4 -> cp.origin() + "\n" + cp.treeSize() + "\n";
          case 5 -> "\n" + cp.treeSize() + "\n" + root + "\n";
          case 6 -> cp.origin() + "\n" + cp.treeSize() + "\n" + root + "\n\n";
          case 7 -> cp.origin() + "\n99999999999999999999\n" + root + "\n";
          default -> cp.origin() + "\n" + cp.treeSize() + "\n" + root + "=\n";
        };
    switch (r.nextInt(6)) {
      case 0 -> {
        // No signature at all: the note has no signature lines.
        return utf8(body + "\n");
      }
      case 1 -> {
        // The right body, a signature line whose base64 is broken.
        return utf8(cp.format() + "\n\u2014 " + cp.origin() + " !!notbase64!!\n");
      }
      case 2 -> {
        // A control character in the text.
        return utf8(cp.format().replaceFirst("\n", "\u0001\n") + "\n" + sig);
      }
      case 3 -> {
        // Bytes that are not UTF-8.
        byte[] b = c.raw().clone();
        b[r.nextInt(Math.max(1, cp.origin().length()))] = (byte) 0xff;
        return b;
      }
      default -> {
        return utf8(body + "\n" + sig);
      }
    }
  }

  private Request oversized(SplittableRandom r, WitnessClient.Cp c, long latest) {
    int limit = AddCheckpointRequest.MAX_BODY;
    switch (r.nextInt(5)) {
      case 0 -> {
        // Exactly the limit: not too large, only malformed.
        byte[] b = filler(r, limit);
        return post("at-limit", b, Want.MALFORMED, latest, c);
      }
      case 1 -> {
        // A request that would be well-formed but for its 460 or more proof lines.
        List<String> proof = new ArrayList<>();
        int n = 460 + r.nextInt(200);
        for (int k = 0; k < n; k++) {
          proof.add(hashLine(r));
        }
        return post(
            "over-limit-proof", body("old " + latest, proof, c.raw()), Want.TOO_LARGE, latest, c);
      }
      case 2 -> {
        byte[] b = filler(r, limit + 1 + r.nextInt(20_000));
        return chunked("over-limit-chunked", b, Want.TOO_LARGE, latest, c, null);
      }
      default -> {
        int n =
            switch (r.nextInt(10)) {
              case 0 -> limit + 1 + r.nextInt(256 * 1024);
              case 1, 2, 3 -> limit + 1 + r.nextInt(44 * 1024);
              default -> limit + 1 + r.nextInt(100);
            };
        return post("over-limit", filler(r, n), Want.TOO_LARGE, latest, c);
      }
    }
  }

  private Request oldLine(SplittableRandom r, WitnessClient.Cp c, long latest) {
    String what;
    String line;
    switch (r.nextInt(5)) {
      case 0 -> {
        what = "old-not-a-number";
        String[] bad = {
          "abc",
          latest + "a",
          "0x1f",
          "1.0",
          "1e3",
          "",
          " " + latest,
          latest + " ",
          "\t1",
          latest + " " + latest,
          "\uff15",
          "NaN",
          "+" + latest
        };
        line = "old " + bad[r.nextInt(bad.length)];
      }
      case 1 -> {
        what = "old-negative";
        line = "old -" + (r.nextBoolean() ? latest : r.nextInt(1000));
      }
      case 2 -> {
        what = "old-leading-zeros";
        String rest = r.nextInt(4) == 0 ? "" : Long.toString(latest);
        line = "old " + "0".repeat((rest.isEmpty() ? 2 : 1) + r.nextInt(5)) + rest;
      }
      case 3 -> {
        what = "old-huge";
        StringBuilder sb = new StringBuilder("9223372036854775808");
        switch (r.nextInt(3)) {
          case 0 -> {}
          case 1 -> sb.replace(0, sb.length(), "9".repeat(19 + r.nextInt(60)));
          default -> {
            sb.setLength(0);
            sb.append(1 + r.nextInt(9));
            int n = 19 + r.nextInt(30);
            for (int k = 0; k < n; k++) {
              sb.append(r.nextInt(10));
            }
          }
        }
        line = "old " + sb;
      }
      default -> {
        what = "old-bad-line";
        String[] bad = {
          "old",
          "OLD " + latest,
          " old " + latest,
          "old\t" + latest,
          "size " + latest,
          "old  " + latest,
          "old" + latest,
          "0ld " + latest
        };
        line = bad[r.nextInt(bad.length)];
      }
    }
    List<String> proof = new ArrayList<>();
    return post(what, body(line, proof, c.raw()), Want.MALFORMED, latest, c);
  }

  private Request proofLines(SplittableRandom r, WitnessClient.Cp c, long latest) {
    String old = "old " + latest;
    List<String> proof = new ArrayList<>();
    switch (r.nextInt(8)) {
      case 0, 1 -> {
        int n = AddCheckpointRequest.MAX_PROOF_LINES + 1 + r.nextInt(337);
        for (int k = 0; k < n; k++) {
          proof.add(hashLine(r));
        }
        return post("proof-too-many", body(old, proof, c.raw()), Want.MALFORMED, latest, c);
      }
      case 2 -> {
        // The most the spec allows: well-formed, but not the proof.
        for (int k = 0; k < AddCheckpointRequest.MAX_PROOF_LINES; k++) {
          proof.add(hashLine(r));
        }
        return post("proof-63-lines", body(old, proof, c.raw()), Want.BAD_PROOF, latest, c);
      }
      case 3, 4 -> {
        String chars = "!*-_.~ $%&#@=";
        char[] line = hashLine(r).toCharArray();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n; k++) {
          line[r.nextInt(line.length - 1)] = chars.charAt(r.nextInt(chars.length()));
        }
        addAround(r, proof, new String(line));
        return post("proof-not-base64", body(old, proof, c.raw()), Want.MALFORMED, latest, c);
      }
      case 5, 6 -> {
        int[] sizes = {0, 1, 16, 31, 33, 48, 64};
        byte[] b = new byte[sizes[r.nextInt(sizes.length)]];
        r.nextBytes(b);
        String line = Base64.getEncoder().encodeToString(b);
        if (b.length == 0 || r.nextInt(4) == 0) {
          // Or a 32-byte hash cut short or padded out.
          String h = hashLine(r);
          line = r.nextBoolean() ? h.substring(0, 43) : h + "A";
        }
        addAround(r, proof, line);
        return post("proof-not-32-bytes", body(old, proof, c.raw()), Want.MALFORMED, latest, c);
      }
      default -> {
        // Base64 of 32 bytes but not canonical: the padding bits set, or a CR left in.
        String h = hashLine(r);
        String line;
        if (r.nextBoolean()) {
          String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
          int v = alphabet.indexOf(h.charAt(42)) | (1 + r.nextInt(3));
          line = h.substring(0, 42) + alphabet.charAt(v) + "=";
        } else {
          line = h + "\r";
        }
        addAround(r, proof, line);
        return post("proof-not-canonical", body(old, proof, c.raw()), Want.MALFORMED, latest, c);
      }
    }
  }

  /** Adds {@code line} to {@code proof} with up to 3 valid hash lines before or after it. */
  private static void addAround(SplittableRandom r, List<String> proof, String line) {
    int before = r.nextInt(4);
    for (int k = 0; k < before; k++) {
      proof.add(hashLine(r));
    }
    proof.add(line);
    int after = r.nextInt(3);
    for (int k = 0; k < after; k++) {
      proof.add(hashLine(r));
    }
  }

  private Request badSignature(SplittableRandom r, WitnessClient.Cp c, long latest) {
    Checkpoint cp = c.checkpoint();
    NoteSignature s = logSignature(c.note());
    byte[] sig = s.signature();
    String what;
    Note note;
    switch (r.nextInt(9)) {
      case 0, 1 -> {
        what = "sig-flipped-bit";
        sig[r.nextInt(sig.length)] ^= (byte) (1 << r.nextInt(8));
        note = Note.of(cp.format(), List.of(NoteSignature.of(s.name(), s.keyId(), sig)));
      }
      case 2 -> {
        what = "sig-wrong-key-id";
        note =
            Note.of(
                cp.format(),
                List.of(NoteSignature.of(s.name(), s.keyId() ^ (1 << r.nextInt(32)), sig)));
      }
      case 3 -> {
        what = "sig-wrong-name";
        note = Note.of(cp.format(), List.of(NoteSignature.of(s.name() + "-x", s.keyId(), sig)));
      }
      case 4 -> {
        what = "sig-wrong-length";
        byte[] other =
            r.nextBoolean()
                ? Arrays.copyOf(sig, 1 + r.nextInt(sig.length - 1))
                : Arrays.copyOf(sig, sig.length + 1 + r.nextInt(32));
        note = Note.of(cp.format(), List.of(NoteSignature.of(s.name(), s.keyId(), other)));
      }
      case 5 -> {
        what = "sig-other-size";
        long size = cp.treeSize() + (cp.treeSize() > 1 && r.nextBoolean() ? -1 : 1);
        note = Note.of(Checkpoint.of(cp.origin(), size, cp.rootHash()).format(), List.of(s));
      }
      case 6 -> {
        what = "sig-other-root";
        note =
            Note.of(Checkpoint.of(cp.origin(), cp.treeSize(), randomHash(r)).format(), List.of(s));
      }
      case 7 -> {
        what = "sig-extension-line";
        note =
            Note.of(
                Checkpoint.of(
                        cp.origin(),
                        cp.treeSize(),
                        cp.rootHash(),
                        List.of("extension " + r.nextInt(1000)))
                    .format(),
                List.of(s));
      }
      default -> {
        // Signed with another key under the log's name: no signature of the log's key.
        what = "sig-other-key";
        byte[] raw = CheckpointSigner.of(impostor).sign(cp.treeSize(), cp.rootHash());
        return post(what, body("old " + latest, List.of(), raw), Want.BAD_SIGNATURE, latest, c);
      }
    }
    return post(
        what, body("old " + latest, List.of(), note.format()), Want.BAD_SIGNATURE, latest, c);
  }

  private Request unknownOrigin(SplittableRandom r, WitnessClient.Cp c, long latest) {
    Checkpoint cp = c.checkpoint();
    if (r.nextInt(4) == 0) {
      // The log's own signature line under a checkpoint of another origin.
      Ed25519NoteSigner s = strangers[r.nextInt(strangers.length)];
      Note note =
          Note.of(
              Checkpoint.of(s.name(), cp.treeSize(), cp.rootHash()).format(),
              List.of(logSignature(c.note())));
      return post(
          "origin-unknown-log-signature",
          body("old " + latest, List.of(), note.format()),
          Want.UNKNOWN_LOG,
          latest,
          c);
    }
    Ed25519NoteSigner s = strangers[r.nextInt(strangers.length)];
    long size = r.nextBoolean() ? cp.treeSize() : 1 + r.nextInt(1_000_000);
    byte[] raw = CheckpointSigner.of(s).sign(size, r.nextBoolean() ? cp.rootHash() : randomHash(r));
    long old = r.nextBoolean() ? 0 : Math.min(latest, size);
    return post("origin-unknown", body("old " + old, List.of(), raw), Want.UNKNOWN_LOG, old, c);
  }

  private Request wrongOldSize(SplittableRandom r, WitnessClient.Cp c, long latest) {
    if (latest < 1) {
      long old = c.size() + 1;
      return post(
          "old-above-checkpoint", body("old " + old, List.of(), c.raw()), Want.MALFORMED, old, c);
    }
    // Below the latest size the witness has reached, so never its latest size, whatever it
    // cosigns meanwhile.
    long old = r.nextInt(4) == 0 ? 0 : r.nextInt(4) == 0 ? latest - 1 : r.nextLong(latest);
    List<String> proof = new ArrayList<>();
    int n = r.nextInt(3) == 0 ? 0 : r.nextInt(20);
    for (int k = 0; k < n; k++) {
      proof.add(hashLine(r));
    }
    return post("wrong-old-size", body("old " + old, proof, c.raw()), Want.OLD_SIZE, old, c);
  }

  private Request badProof(SplittableRandom r, WitnessClient.Cp c, long latest) {
    List<String> lines = new ArrayList<>();
    String what;
    if (c.size() == latest || latest == 0) {
      what = "bad-proof-not-empty";
      int n = 1 + r.nextInt(8);
      for (int k = 0; k < n; k++) {
        lines.add(hashLine(r));
      }
    } else {
      List<Hash> proof = new ArrayList<>(witness.proof(latest, c.size()));
      switch (r.nextInt(6)) {
        case 0, 1 -> {
          what = "bad-proof-flipped-bit";
          int k = r.nextInt(proof.size());
          byte[] h = proof.get(k).toByteArray();
          h[r.nextInt(h.length)] ^= (byte) (1 << r.nextInt(8));
          proof.set(k, Hash.of(h));
        }
        case 2 -> {
          what = "bad-proof-short";
          proof.remove(r.nextInt(proof.size()));
        }
        case 3 -> {
          what = "bad-proof-long";
          proof.add(r.nextInt(proof.size() + 1), randomHash(r));
        }
        case 4 -> {
          what = "bad-proof-random";
          proof.replaceAll(h -> randomHash(r));
        }
        default -> {
          what = "bad-proof-empty";
          proof.clear();
        }
      }
      for (Hash h : proof) {
        lines.add(h.toBase64());
      }
    }
    return post(what, body("old " + latest, lines, c.raw()), Want.BAD_PROOF, latest, c);
  }

  private Request cosign(SplittableRandom r, long latest) {
    WitnessClient.Cp c = witness.cosignTarget(latest);
    List<String> lines = new ArrayList<>();
    if (latest != 0 && latest != c.size()) {
      for (Hash h : witness.proof(latest, c.size())) {
        lines.add(h.toBase64());
      }
    }
    int pick = r.nextInt(10);
    byte[] cp = c.raw();
    // From a smaller size with the log's proof, or the witness's latest checkpoint again.
    String what = lines.isEmpty() ? "cosign-same-size" : "cosign";
    if (pick == 0) {
      // Another signature after the log's, from a key the witness does not know: ignored.
      what = "cosign-extra-signature";
      Ed25519NoteSigner s = strangers[r.nextInt(strangers.length)];
      NoteSignature extra =
          NoteSignature.of(s.name(), s.keyId(), s.sign(c.checkpoint().formatBytes()));
      List<NoteSignature> sigs = new ArrayList<>(c.note().signatures());
      sigs.add(extra);
      cp = Note.of(c.note().body(), sigs).format();
    }
    byte[] b = body("old " + latest, lines, cp);
    if (pick == 1) {
      return chunked("cosign-chunked", b, Want.COSIGNATURE, latest, c, COSIGN_KIND);
    }
    return new Request(
        exchange(what, b, COSIGN_KIND, "Content-Type: text/plain; charset=utf-8"),
        Want.COSIGNATURE,
        latest,
        latest,
        c);
  }

  /**
   * Judges the witness's answer to {@code q}, learns the witness's latest size from it, and says
   * how to count it.
   */
  Verdict judge(Request q, Answer a) {
    String what = q.exchange().what();
    String kind = q.want() == Want.COSIGNATURE ? COSIGN_KIND : null;
    String problem = problem(q, a);
    if (problem == null) {
      if (q.want() == Want.COSIGNATURE) {
        cosigned.increment();
        witness.learn(q.checkpoint().size());
        return new Verdict(what, Expect.SUCCESS, kind);
      }
      if (a.status() == 409) {
        witness.learn(WitnessClient.sizeIn(body(a)));
      }
      return new Verdict(what, Expect.NO_5XX, null);
    }
    if ((q.want() == Want.COSIGNATURE || q.want() == Want.BAD_PROOF) && a.status() == 409) {
      long s = WitnessClient.sizeIn(body(a));
      // The witness moved on after the request was drawn: a 409 with its newer size is right.
      if (s > q.oldSize() && s >= q.latest() && witness.logHasSigned(s)) {
        overtaken.increment();
        witness.learn(s);
        return new Verdict(what + "-overtaken", Expect.NO_5XX, null);
      }
    }
    wrong.increment();
    synchronized (wrongExamples) {
      if (wrongExamples.size() < EXAMPLES) {
        wrongExamples.add(
            what
                + ": "
                + problem
                + "; sent "
                + HostileReport.clip(
                    WireReader.printable(
                        new String(q.exchange().bytes(), StandardCharsets.ISO_8859_1)),
                    300));
      }
    }
    return new Verdict(what, WRONG, kind);
  }

  /** Why {@code a} is not the answer {@code q} must get, or null when it is. */
  private String problem(Request q, Answer a) {
    String got =
        a.label() + (a.body().isEmpty() ? "" : " \"" + HostileReport.clip(a.body(), 120) + "\"");
    if (a.status() != q.want().status || !a.label().equals(Integer.toString(a.status()))) {
      return "wanted " + q.want().status + ", got " + got;
    }
    String body = body(a);
    switch (q.want()) {
      case COSIGNATURE -> {
        if (a.body().length() >= Answer.BODY_PREFIX) {
          return null;
        }
        String p = witness.cosignatureProblem(q.checkpoint(), body);
        return p == null ? null : p;
      }
      case OLD_SIZE -> {
        long s = WitnessClient.sizeIn(body);
        if (s < 0) {
          return "wanted 409 with the latest size, got " + got;
        }
        if (s < q.latest() || s == q.oldSize() || !witness.logHasSigned(s)) {
          return "the 409's size "
              + s
              + " cannot be the witness's latest (at least "
              + q.latest()
              + ", a size the log signed, not the old size "
              + q.oldSize()
              + ")";
        }
        return null;
      }
      default -> {
        if (a.body().isEmpty()
            || (a.body().length() < Answer.BODY_PREFIX && !a.body().endsWith("."))) {
          return "wanted a one-line reason, got " + got;
        }
        return null;
      }
    }
  }

  /**
   * The body of {@code a} as far as the answer's printable prefix tells, its final newline (shown
   * as '.') given back.
   */
  private static String body(Answer a) {
    String b = a.body();
    return b.endsWith(".") ? b.substring(0, b.length() - 1) + "\n" : b;
  }

  @Override
  public Map<String, Object> figures() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("witnessSizeBefore", witness.sizeBefore());
    m.put("witnessLatestSize", witness.latest());
    m.put("cosigned", cosigned.sum());
    m.put("overtaken", overtaken.sum());
    m.put("wrongStatuses", wrong.sum());
    m.put("logCheckpointsSeen", witness.checkpointsSeen());
    m.put("logGrowthEvents", witness.growthEvents());
    m.put("proofsFetched", witness.proofsFetched());
    return m;
  }

  /** Answers judged wrong. */
  long wrong() {
    return wrong.sum();
  }

  /** The first answers judged wrong, one line each. */
  List<String> wrongExamples() {
    synchronized (wrongExamples) {
      return List.copyOf(wrongExamples);
    }
  }

  private Request post(String what, byte[] body, Want want, long oldSize, WitnessClient.Cp c) {
    return new Request(
        exchange(what, body, null, "Content-Type: text/plain; charset=utf-8"),
        want,
        oldSize,
        witness.latest(),
        c);
  }

  private Exchange exchange(String what, byte[] body, String kind, String... headers) {
    return new Exchange(
        what,
        "POST",
        witness.path(),
        HostileContext.http1(witness.host(), "POST", witness.path(), body, headers),
        Expect.NO_5XX,
        kind);
  }

  /** {@code body} in chunks of random sizes, without a {@code Content-Length}. */
  private Request chunked(
      String what, byte[] body, Want want, long latest, WitnessClient.Cp c, String kind) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
    out.writeBytes(
        HostileContext.http1(
            witness.host(),
            "POST",
            witness.path(),
            null,
            "Content-Type: text/plain; charset=utf-8",
            "Transfer-Encoding: chunked"));
    SplittableRandom split = new SplittableRandom(body.length * 31L + what.hashCode());
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + split.nextInt(4096));
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      at += n;
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Exchange e = new Exchange(what, "POST", witness.path(), out.toByteArray(), Expect.NO_5XX, kind);
    return new Request(e, want, latest, latest, c);
  }

  /** The log's signature line in {@code note}: the one under the log's name. */
  private NoteSignature logSignature(Note note) {
    for (NoteSignature s : note.signatures()) {
      if (s.isFrom(witness.logKey())) {
        return s;
      }
    }
    return note.signatures().get(0);
  }

  private static String signatureLines(Note note) {
    StringBuilder sb = new StringBuilder();
    for (NoteSignature s : note.signatures()) {
      sb.append(s.line()).append('\n');
    }
    return sb.toString();
  }

  /** An add-checkpoint body: {@code oldLine}, the proof lines, an empty line, the checkpoint. */
  static byte[] body(String oldLine, List<String> proof, byte[] checkpoint) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + 45 * proof.size() + checkpoint.length);
    out.writeBytes(utf8(oldLine));
    out.write('\n');
    for (String p : proof) {
      out.writeBytes(utf8(p));
      out.write('\n');
    }
    out.write('\n');
    out.writeBytes(checkpoint);
    return out.toByteArray();
  }

  /** {@code n} random bytes that do not start an old size line. */
  private static byte[] filler(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    b[0] = 'x';
    return b;
  }

  private static String hashLine(SplittableRandom r) {
    return randomHash(r).toBase64();
  }

  private static Hash randomHash(SplittableRandom r) {
    byte[] h = new byte[Hash.SIZE];
    r.nextBytes(h);
    return Hash.of(h);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
