package org.rcskt.monitor.follow;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.SubjectState;

/**
 * What the monitor keeps per subject: the replayed state and the leaf indexes of the subject's
 * events (so an evidence bundle can carry the subject's whole history). At most {@link
 * #MAX_LEAF_INDEXES} indexes are kept; a subject with more is marked {@code truncated}.
 *
 * @param state the subject's state after its last accepted event
 * @param leafIndexes the leaf indexes of its accepted events, ascending
 * @param truncated whether some later indexes were not kept
 */
public record SubjectRecord(SubjectState state, long[] leafIndexes, boolean truncated) {
  /** The most event indexes kept per subject. */
  public static final int MAX_LEAF_INDEXES = 65_536;

  private static final int VERSION = 1;

  /** The record with one more accepted event. */
  public SubjectRecord plus(SubjectState next, long leafIndex) {
    if (leafIndexes.length >= MAX_LEAF_INDEXES) {
      return new SubjectRecord(next, leafIndexes, true);
    }
    long[] ix = Arrays.copyOf(leafIndexes, leafIndexes.length + 1);
    ix[leafIndexes.length] = leafIndex;
    return new SubjectRecord(next, ix, truncated);
  }

  /** A subject never seen. */
  public static SubjectRecord empty() {
    return new SubjectRecord(SubjectState.EMPTY, new long[0], false);
  }

  /** The storage encoding. */
  public byte[] encode() {
    byte[] s = state.toBytes();
    ByteBuffer b =
        ByteBuffer.allocate(1 + 4 + s.length + 1 + 4 + 8 * leafIndexes.length)
            .put((byte) VERSION)
            .putInt(s.length)
            .put(s)
            .put((byte) (truncated ? 1 : 0))
            .putInt(leafIndexes.length);
    for (long i : leafIndexes) {
      b.putLong(i);
    }
    return b.array();
  }

  /**
   * Decodes {@link #encode()} output.
   *
   * @throws IllegalArgumentException if the bytes are not such a record
   */
  public static SubjectRecord decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != VERSION) {
        throw new IllegalArgumentException("subject record has an unknown version");
      }
      byte[] s = new byte[b.getInt()];
      b.get(s);
      boolean truncated = b.get() != 0;
      long[] ix = new long[b.getInt()];
      for (int i = 0; i < ix.length; i++) {
        ix[i] = b.getLong();
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("subject record has trailing bytes");
      }
      return new SubjectRecord(SubjectState.fromBytes(s), ix, truncated);
    } catch (EventFormatException | RuntimeException e) {
      throw new IllegalArgumentException("subject record is malformed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubjectRecord
        && ((SubjectRecord) o).state.equals(state)
        && Arrays.equals(((SubjectRecord) o).leafIndexes, leafIndexes)
        && ((SubjectRecord) o).truncated == truncated;
  }

  @Override
  public int hashCode() {
    return state.hashCode() * 31 + Arrays.hashCode(leafIndexes);
  }

  @Override
  public String toString() {
    return "SubjectRecord[" + state + ", " + leafIndexes.length + " events]";
  }
}
