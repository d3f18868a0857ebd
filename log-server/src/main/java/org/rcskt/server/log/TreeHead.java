package org.rcskt.server.log;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.rcskt.verifier.Hash;

/**
 * A tree the log has durably stored and signed: its size, root hash and the signed checkpoint note
 * over them, exactly as served at {@code GET /checkpoint}.
 */
public record TreeHead(long treeSize, Hash rootHash, byte[] signedCheckpoint) {
  public TreeHead {
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(signedCheckpoint, "signedCheckpoint");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeHead t
        && t.treeSize == treeSize
        && t.rootHash.equals(rootHash)
        && java.util.Arrays.equals(t.signedCheckpoint, signedCheckpoint);
  }

  @Override
  public int hashCode() {
    return rootHash.hashCode();
  }

  @Override
  public String toString() {
    return "TreeHead[treeSize=" + treeSize + ", rootHash=" + rootHash + "]";
  }

  /** The signed checkpoint note as text. */
  public String checkpointText() {
    return new String(signedCheckpoint, StandardCharsets.UTF_8);
  }
}
