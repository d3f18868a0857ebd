package org.rcskt.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import org.rcskt.verifier.Hash;

/** Wraps a source, asserting the {@link NodeSource} contract for one tree size and counting. */
final class CheckingSource implements NodeSource {
  private final NodeSource inner;
  private final long treeSize;
  int requests;

  CheckingSource(NodeSource inner, long treeSize) {
    this.inner = inner;
    this.treeSize = treeSize;
  }

  @Override
  public Hash node(int level, long index) {
    requests++;
    assertThat(level).isBetween(0, 62);
    assertThat(index).isNotNegative();
    assertThat((index + 1) << level)
        .as(
            "node at level %d index %d must be complete within tree size %d",
            level, index, treeSize)
        .isLessThanOrEqualTo(treeSize);
    return inner.node(level, index);
  }
}
