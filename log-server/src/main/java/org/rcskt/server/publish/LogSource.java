package org.rcskt.server.publish;

import java.util.List;
import org.rcskt.server.log.KeyEventLog;
import org.rcskt.server.log.TreeHead;
import org.rcskt.verifier.Hash;

/**
 * What the publisher reads from the log. Every call answers for the log's current head, which never
 * shrinks: a tile or bundle within a head read earlier is always there.
 */
public interface LogSource {
  /** The latest signed tree. */
  TreeHead head();

  /** The hash tile {@code level}/{@code index} of {@code width} hashes (256 when full). */
  byte[] tile(int level, long index, int width);

  /** The entry bundle {@code index} of {@code width} entries (256 when full). */
  byte[] entryBundle(long index, int width);

  /** The consistency proof from tree size {@code from} (at least 1) to {@code to}. */
  List<Hash> consistency(long from, long to);

  /** The running log. */
  static LogSource of(KeyEventLog log) {
    return new LogSource() {
      @Override
      public TreeHead head() {
        return log.head();
      }

      @Override
      public byte[] tile(int level, long index, int width) {
        return log.reader().tile(level, index, width);
      }

      @Override
      public byte[] entryBundle(long index, int width) {
        return log.reader().entryBundle(index, width);
      }

      @Override
      public List<Hash> consistency(long from, long to) {
        return log.reader().consistency(from, to);
      }
    };
  }
}
