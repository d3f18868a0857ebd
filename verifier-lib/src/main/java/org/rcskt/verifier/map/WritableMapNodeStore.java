package org.rcskt.verifier.map;

import java.util.List;

/**
 * A {@link MapNodeStore} that {@link SubjectMap#apply} writes to. Contract: {@link #get} returns
 * the record as of the last {@link #apply}; {@link #apply} is all or nothing, so after a failure
 * the store holds exactly what it held before.
 */
public interface WritableMapNodeStore extends MapNodeStore {
  /**
   * Writes {@code changes} atomically (all of them, or none with an exception).
   *
   * @throws IllegalArgumentException if a record is neither a leaf nor an internal record
   */
  void apply(List<NodeChange> changes);
}
