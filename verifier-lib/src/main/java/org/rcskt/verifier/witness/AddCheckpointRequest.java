package org.rcskt.verifier.witness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.note.CanonicalBase64;

/**
 * The body of a C2SP tlog-witness {@code add-checkpoint} request: an old size line {@code old <N>},
 * at most {@value #MAX_PROOF_LINES} consistency proof lines (one base64 hash each), an empty line,
 * then the signed checkpoint, every line ending in a newline.
 *
 * <p>{@link #parse} checks the syntax only; whether the checkpoint is signed by a known log and the
 * proof holds is the witness's business. Bodies larger than {@link #MAX_BODY} are refused before
 * they are read.
 *
 * @param oldSize the size of the latest checkpoint the client believes the witness cosigned
 * @param proof the consistency proof from {@code oldSize} to the checkpoint's size
 * @param checkpoint the signed checkpoint note, as sent
 */
public record AddCheckpointRequest(long oldSize, List<Hash> proof, byte[] checkpoint) {
  /** The most consistency proof lines the spec lets a client send. */
  public static final int MAX_PROOF_LINES = 63;

  /**
   * The largest body accepted: the old size line, 63 proof lines (45 bytes each) and a checkpoint
   * of up to 16 KiB (a checkpoint with a few dozen cosignatures is some 4 KiB).
   */
  public static final int MAX_BODY = 20 * 1024;

  private static final int HASH_LINE = 44;
  private static final int MAX_SIZE_DIGITS = 19;

  public AddCheckpointRequest {
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size " + oldSize + " is negative");
    }
    proof = List.copyOf(proof);
    if (proof.size() > MAX_PROOF_LINES) {
      throw new IllegalArgumentException(
          proof.size() + " proof hashes; the spec allows " + MAX_PROOF_LINES);
    }
    checkpoint = checkpoint.clone();
  }

  @Override
  public byte[] checkpoint() {
    return checkpoint.clone();
  }

  /**
   * Parses a request body.
   *
   * @throws WitnessRequestException naming the first rule the body breaks
   */
  public static AddCheckpointRequest parse(byte[] body) throws WitnessRequestException {
    Objects.requireNonNull(body, "body");
    if (body.length > MAX_BODY) {
      throw new WitnessRequestException(
          "the body has " + body.length + " bytes; at most " + MAX_BODY + " are accepted");
    }
    int end = lineEnd(body, 0);
    if (end < 0) {
      throw new WitnessRequestException("the body does not start with an old size line");
    }
    long oldSize = parseOldSize(body, end);
    int at = end + 1;
    List<Hash> proof = new ArrayList<>();
    while (true) {
      int e = lineEnd(body, at);
      if (e < 0) {
        throw new WitnessRequestException(
            "proof line " + (proof.size() + 1) + " has no newline and no empty line follows it");
      }
      if (e == at) {
        at = e + 1;
        break;
      }
      if (proof.size() == MAX_PROOF_LINES) {
        throw new WitnessRequestException(
            "more than " + MAX_PROOF_LINES + " consistency proof lines");
      }
      byte[] h = e - at == HASH_LINE ? CanonicalBase64.decode(body, at, e) : null;
      if (h == null || h.length != Hash.SIZE) {
        throw new WitnessRequestException(
            "proof line " + (proof.size() + 1) + " is not the canonical base64 of a 32-byte hash");
      }
      proof.add(Hash.of(h));
      at = e + 1;
    }
    if (at == body.length) {
      throw new WitnessRequestException("no checkpoint follows the empty line");
    }
    return new AddCheckpointRequest(oldSize, proof, Arrays.copyOfRange(body, at, body.length));
  }

  /** The request body: the inverse of {@link #parse}. */
  public byte[] encode() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + proof.size() * 45 + checkpoint.length);
    out.writeBytes(("old " + oldSize + "\n").getBytes(StandardCharsets.US_ASCII));
    Base64.Encoder b64 = Base64.getEncoder();
    for (Hash h : proof) {
      out.writeBytes(b64.encode(h.toByteArray()));
      out.write('\n');
    }
    out.write('\n');
    out.writeBytes(checkpoint);
    return out.toByteArray();
  }

  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long parseOldSize(byte[] b, int end) throws WitnessRequestException {
    int n = end - 4;
    if (end < 5 || b[0] != 'o' || b[1] != 'l' || b[2] != 'd' || b[3] != ' ') {
      throw new WitnessRequestException("the first line is not \"old <size>\"");
    }
    if (n > MAX_SIZE_DIGITS || (n > 1 && b[4] == '0')) {
      throw new WitnessRequestException(
          "the old size is not a decimal number without leading zeroes of at most "
              + MAX_SIZE_DIGITS
              + " digits");
    }
    long v = 0;
    for (int i = 4; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new WitnessRequestException("the old size is not a decimal number");
      }
      try {
        v = Math.addExact(Math.multiplyExact(v, 10), d);
      } catch (ArithmeticException e) {
        throw new WitnessRequestException("the old size does not fit in 63 bits");
      }
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddCheckpointRequest r
        && r.oldSize == oldSize
        && r.proof.equals(proof)
        && Arrays.equals(r.checkpoint, checkpoint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(oldSize, proof, Arrays.hashCode(checkpoint));
  }

  @Override
  public String toString() {
    return "AddCheckpointRequest[old " + oldSize + ", " + proof.size() + " proof hashes]";
  }
}
