package org.rcskt.server.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rcskt.server.log.NoteLogSigner;
import org.rcskt.server.log.TreeHead;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.merkle.MemoryNodeStore;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.merkle.Proofs;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.tile.EntryBundle;

/** A log in memory for publisher tests: entries from a seed, checkpoints signed by a real key. */
final class MemoryLog implements LogSource {
  static final String ORIGIN = "example.test/log";

  private final NoteLogSigner signer;
  private final Random random;
  private final List<byte[]> entries = new ArrayList<>();
  private final MemoryNodeStore nodes = new MemoryNodeStore();
  private TreeHead head;
  private long reads;

  MemoryLog(long seed, Ed25519.KeyPair key) {
    this.signer = new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, key));
    this.random = new Random(seed);
    sign();
  }

  MemoryLog(long seed) {
    this(seed, Ed25519.KeyPair.generate(new Random(seed)));
  }

  NoteLogSigner signer() {
    return signer;
  }

  /** Appends {@code n} entries of random text and signs the new tree. */
  synchronized MemoryLog append(int n) {
    for (int i = 0; i < n; i++) {
      byte[] e =
          ("entry " + entries.size() + " " + Long.toHexString(random.nextLong()))
              .getBytes(StandardCharsets.UTF_8);
      entries.add(e);
      nodes.append(Merkle.leafHash(e));
    }
    sign();
    return this;
  }

  private void sign() {
    long n = entries.size();
    Hash root = n == 0 ? Merkle.emptyRoot() : nodes.rootHash();
    head = new TreeHead(n, root, signer.sign(n, root));
  }

  @Override
  public synchronized TreeHead head() {
    return head;
  }

  /** Tiles and bundles read so far. */
  synchronized long reads() {
    return reads;
  }

  @Override
  public synchronized byte[] tile(int level, long index, int width) {
    reads++;
    byte[] out = new byte[width * Hash.SIZE];
    for (int i = 0; i < width; i++) {
      nodes.node(8 * level, index * 256 + i).copyTo(out, i * Hash.SIZE);
    }
    return out;
  }

  @Override
  public synchronized byte[] entryBundle(long index, int width) {
    reads++;
    int from = (int) (index * 256);
    return EntryBundle.encode(entries.subList(from, from + width));
  }

  @Override
  public synchronized List<Hash> consistency(long from, long to) {
    return Proofs.consistency(from, to, nodes);
  }
}
