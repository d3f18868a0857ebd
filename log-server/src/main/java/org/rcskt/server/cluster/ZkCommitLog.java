package org.rcskt.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.rcskt.verifier.Hash;

/**
 * The log's sequencing state in ZooKeeper: which batches of entries are committed, in order, and by
 * which writer's term (docs/design/0022-standby-writer.md).
 *
 * <p>Layout below the base path:
 *
 * <ul>
 *   <li>{@code head}: the committed tree (size, root hash) and the current term (epoch, writer).
 *       Its ZooKeeper data version is the fencing token: every commit is a transaction that sets it
 *       with the version its writer last saw, so a commit from a writer whose term has ended (a
 *       newer writer began a term, or committed, since) fails as a whole.
 *   <li>{@code batches/<start>}: one record per committed batch, named by its first leaf index (20
 *       digits, so names sort as numbers): its size, root, epoch, writer, entry count, chunk count
 *       and the SHA-256 of its chunks. Created in the same transaction as the head changes, so two
 *       writers can never both commit at one position.
 *   <li>{@code chunks/<start>-<epoch>-<k>}: the entries of a batch, each a big-endian uint16 length
 *       and the entry, at most {@link #MAX_CHUNK_BYTES} to a chunk (under ZooKeeper's 1 MiB packet
 *       limit). Written before the transaction; a fenced writer's chunks belong to no record and
 *       are removed by {@link #prune} once it passes them.
 * </ul>
 *
 * <p>A writer commits a batch before it signs a checkpoint over it and before it answers anyone, so
 * every checkpoint signed by any writer is over a committed tree, and committed trees form one
 * chain: each commit extends the head the previous one left.
 */
public final class ZkCommitLog {
  /** The most entry bytes (with their length prefixes) in one chunk znode. */
  public static final int MAX_CHUNK_BYTES = 512 * 1024;

  /** The most entries one batch may hold. */
  public static final int MAX_BATCH_ENTRIES = 100_000;

  /** The largest entry, as in an entry bundle. */
  public static final int MAX_ENTRY_BYTES = 0xffff;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework zk;
  private final String head;
  private final String batches;
  private final String chunks;
  private volatile boolean pathsMade;

  /** The committed tree and the term that wrote it last. */
  public record Head(long treeSize, Hash root, long epoch, String writer, int version) {}

  /** A committed batch with its entries, as a follower reads it. */
  public record Batch(
      long start, long treeSize, Hash root, long epoch, String writer, List<byte[]> entries) {}

  /**
   * A writer's term: the epoch it began with and the head version it expects. Owned by one thread
   * (the writer's integrator); once fenced, every further commit is refused without asking.
   */
  public static final class Term {
    private final long epoch;
    private final String writer;
    private int version;
    private long treeSize;
    private Hash root;
    private boolean fenced;

    private Term(long epoch, String writer, int version, long treeSize, Hash root) {
      this.epoch = epoch;
      this.writer = writer;
      this.version = version;
      this.treeSize = treeSize;
      this.root = root;
    }

    public long epoch() {
      return epoch;
    }

    public String writer() {
      return writer;
    }

    /** The size of the tree this term has committed up to. */
    public long treeSize() {
      return treeSize;
    }

    public Hash root() {
      return root;
    }

    public boolean fenced() {
      return fenced;
    }
  }

  /**
   * @param zk a started Curator client; the caller owns it
   * @param basePath where this log's state lives, for example {@code /rcskt/<log name>}
   */
  public ZkCommitLog(CuratorFramework zk, String basePath) {
    if (!basePath.startsWith("/") || basePath.endsWith("/") || basePath.length() > 200) {
      throw new IllegalArgumentException(
          "the base path must start with / and not end with one (at most 200 characters): "
              + basePath);
    }
    this.zk = zk;
    this.head = basePath + "/head";
    this.batches = basePath + "/batches";
    this.chunks = basePath + "/chunks";
  }

  /** The committed head, or null when no writer has begun a term yet. */
  public Head head() {
    try {
      Stat stat = new Stat();
      byte[] data = zk.getData().storingStatIn(stat).forPath(head);
      return decodeHead(data, stat.getVersion());
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw failure("reading " + head, e);
    }
  }

  /**
   * Begins a term for {@code writer}, whose local log holds the tree {@code (treeSize, root)}: the
   * committed head must be that tree (the writer has caught up), or there is none yet and this tree
   * becomes the first. Sets the head's epoch one higher, which fences off every earlier term: their
   * next commit fails.
   *
   * @throws FencedException if the head is not the writer's tree (it has not caught up, or another
   *     writer committed or began a term meanwhile); catch up and try again
   */
  public Term beginTerm(String writer, long treeSize, Hash root) throws FencedException {
    if (writer.isEmpty() || writer.length() > 128) {
      throw new IllegalArgumentException("a writer id is 1 to 128 characters");
    }
    try {
      if (!pathsMade) {
        zk.createContainers(batches);
        zk.createContainers(chunks);
        pathsMade = true;
      }
      Head h = head();
      if (h == null) {
        try {
          zk.create()
              .creatingParentContainersIfNeeded()
              .forPath(head, encodeHead(treeSize, root, 1, writer));
          return new Term(1, writer, 0, treeSize, root);
        } catch (KeeperException.NodeExistsException e) {
          h = head();
        }
      }
      if (h.treeSize() != treeSize || !h.root().equals(root)) {
        throw new FencedException(
            h.epoch(),
            "the committed log is at size "
                + h.treeSize()
                + " (epoch "
                + h.epoch()
                + ", writer "
                + h.writer()
                + "), the local log at "
                + treeSize
                + (h.treeSize() == treeSize ? " with another root" : "")
                + ": catch up first",
            null);
      }
      long epoch = h.epoch() + 1;
      try {
        zk.setData()
            .withVersion(h.version())
            .forPath(head, encodeHead(treeSize, root, epoch, writer));
      } catch (KeeperException.BadVersionException e) {
        throw new FencedException(epoch, "the head changed while the term began", e);
      }
      return new Term(epoch, writer, h.version() + 1, treeSize, root);
    } catch (FencedException e) {
      throw e;
    } catch (Exception e) {
      throw failure("beginning a term", e);
    }
  }

  /**
   * Commits {@code entries} as the next leaves after the term's tree, making the tree {@code
   * (newSize, newRoot)}. Returns only once the batch is committed; on return the writer may sign a
   * checkpoint for the new tree and answer its submitters.
   *
   * @throws FencedException if another term has begun or committed since this one's last commit:
   *     nothing of this batch is committed, and the term commits nothing again
   * @throws CommitLogException if ZooKeeper cannot be reached; the batch is then not committed (an
   *     outcome the call could not learn is settled by reading back before it throws), and the same
   *     commit may be tried again
   */
  public void commit(Term term, List<byte[]> entries, long newSize, Hash newRoot)
      throws FencedException {
    if (term.fenced) {
      throw new FencedException(term.epoch, "term " + term.epoch + " was fenced off", null);
    }
    if (entries.isEmpty() || entries.size() > MAX_BATCH_ENTRIES) {
      throw new IllegalArgumentException(
          "a batch holds 1 to " + MAX_BATCH_ENTRIES + " entries, got " + entries.size());
    }
    long start = term.treeSize;
    if (newSize != start + entries.size()) {
      throw new IllegalArgumentException(
          "a batch of "
              + entries.size()
              + " entries after size "
              + start
              + " makes size "
              + (start + entries.size())
              + ", not "
              + newSize);
    }
    List<byte[]> parts = chunk(entries);
    MessageDigest md = Hash.newSha256();
    parts.forEach(md::update);
    Hash digest = Hash.of(md.digest());
    byte[] record =
        encodeRecord(
            start, entries.size(), newSize, newRoot, term.epoch, term.writer, parts.size(), digest);
    try {
      for (int k = 0; k < parts.size(); k++) {
        String path = chunkPath(start, term.epoch, k);
        try {
          zk.create().forPath(path, parts.get(k));
        } catch (KeeperException.NodeExistsException e) {
          // This term's own earlier attempt of the same commit: the same bytes, or a bug.
          if (!Arrays.equals(zk.getData().forPath(path), parts.get(k))) {
            throw new CommitLogException(path + " holds other bytes than this commit's chunk");
          }
        }
      }
      List<CuratorOp> ops = new ArrayList<>(2);
      ops.add(zk.transactionOp().create().forPath(batchPath(start), record));
      ops.add(
          zk.transactionOp()
              .setData()
              .withVersion(term.version)
              .forPath(head, encodeHead(newSize, newRoot, term.epoch, term.writer)));
      try {
        zk.transaction().forOperations(ops);
        committed(term, newSize, newRoot, term.version + 1);
        return;
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
        // Curator retries a transaction after a lost connection; the first try may have applied.
        if (settle(term, start, record, newSize, newRoot)) {
          return;
        }
        term.fenced = true;
        throw new FencedException(
            term.epoch,
            "term "
                + term.epoch
                + " of "
                + term.writer
                + " was fenced off at size "
                + start
                + ": "
                + describeHead(),
            e);
      }
    } catch (FencedException | CommitLogException e) {
      throw e;
    } catch (Exception e) {
      // The outcome is unknown: read it back.
      try {
        if (settle(term, start, record, newSize, newRoot)) {
          return;
        }
      } catch (Exception again) {
        e.addSuppressed(again);
      }
      throw failure("committing the batch at " + start, e);
    }
  }

  /** Whether this exact record is committed at {@code start}; if so, the term moves on. */
  private boolean settle(Term term, long start, byte[] record, long newSize, Hash newRoot)
      throws Exception {
    byte[] there;
    try {
      there = zk.getData().forPath(batchPath(start));
    } catch (KeeperException.NoNodeException e) {
      return false;
    }
    if (!Arrays.equals(there, record)) {
      return false;
    }
    Head h = head();
    if (h.epoch() != term.epoch || h.treeSize() != newSize) {
      // Ours, and another term has moved on from it since: committed, but this term is over.
      committed(term, newSize, newRoot, -1);
      term.fenced = true;
      return true;
    }
    committed(term, newSize, newRoot, h.version());
    return true;
  }

  private static void committed(Term term, long newSize, Hash newRoot, int version) {
    term.treeSize = newSize;
    term.root = newRoot;
    term.version = version;
  }

  private String describeHead() {
    Head h = head();
    return h == null
        ? "no head"
        : "the head is at size " + h.treeSize() + ", epoch " + h.epoch() + " of " + h.writer();
  }

  /**
   * The committed batches from tree size {@code from} on, each checked against its digest, up to
   * about {@code maxEntries} entries (at least one batch when there is one).
   *
   * @throws CommitLogException if {@code from} is not where a retained batch starts (or the head
   *     is), or a record or chunk does not decode or match
   */
  public List<Batch> read(long from, int maxEntries) {
    try {
      Head h = head();
      if (h == null || from >= h.treeSize()) {
        return List.of();
      }
      List<String> names = new ArrayList<>(zk.getChildren().forPath(batches));
      Collections.sort(names);
      List<Batch> out = new ArrayList<>();
      long next = from;
      int total = 0;
      int i = Collections.binarySearch(names, name(from));
      if (i < 0) {
        boolean pruned = names.isEmpty() || Long.parseLong(names.get(0)) > from;
        throw new CommitLogException(
            "no committed batch starts at "
                + from
                + (names.isEmpty() ? "" : " (retained from " + Long.parseLong(names.get(0)) + ")"),
            pruned);
      }
      for (; i < names.size() && (out.isEmpty() || total < maxEntries); i++) {
        long start = Long.parseLong(names.get(i));
        if (start != next) {
          throw new CommitLogException("the batch after size " + next + " starts at " + start);
        }
        Batch b = readBatch(start);
        if (b.treeSize() > h.treeSize()) {
          break;
        }
        out.add(b);
        total += b.entries().size();
        next = b.treeSize();
      }
      return out;
    } catch (CommitLogException e) {
      throw e;
    } catch (Exception e) {
      throw failure("reading batches from " + from, e);
    }
  }

  private Batch readBatch(long start) throws Exception {
    JsonNode r = JSON.readTree(zk.getData().forPath(batchPath(start)));
    long epoch = r.get("epoch").asLong();
    int count = r.get("count").asInt();
    int parts = r.get("chunks").asInt();
    Hash digest = Hash.fromBase64(r.get("digest").asText());
    MessageDigest md = Hash.newSha256();
    List<byte[]> entries = new ArrayList<>(count);
    for (int k = 0; k < parts; k++) {
      byte[] part = zk.getData().forPath(chunkPath(start, epoch, k));
      md.update(part);
      decodeChunk(part, entries, start);
    }
    if (!Hash.of(md.digest()).equals(digest)) {
      throw new CommitLogException(
          "the chunks of the batch at " + start + " do not match its digest");
    }
    if (entries.size() != count) {
      throw new CommitLogException(
          "the batch at "
              + start
              + " holds "
              + entries.size()
              + " entries, its record says "
              + count);
    }
    return new Batch(
        start,
        r.get("treeSize").asLong(),
        Hash.fromBase64(r.get("root").asText()),
        epoch,
        r.get("writer").asText(),
        entries);
  }

  /**
   * Removes the records and chunks of the batches that end at or below {@code treeSize} (every
   * follower has them, and the writers' stores and the bucket keep them), and every chunk that
   * starts below the first batch kept, which includes those fenced terms left behind. Reads no
   * record: a batch ends where the next one starts, the last one at the head. Returns the number of
   * znodes removed.
   */
  public int prune(long treeSize) {
    try {
      Head h = head();
      if (h == null) {
        return 0;
      }
      long below = Math.min(treeSize, h.treeSize());
      List<String> names = new ArrayList<>(zk.getChildren().forPath(batches));
      Collections.sort(names);
      int removed = 0;
      long firstKept = h.treeSize();
      for (int i = 0; i < names.size(); i++) {
        long start = Long.parseLong(names.get(i));
        long end = i + 1 < names.size() ? Long.parseLong(names.get(i + 1)) : h.treeSize();
        if (end <= below) {
          zk.delete().forPath(batchPath(start));
          removed++;
        } else {
          firstKept = start;
          break;
        }
      }
      for (String c : zk.getChildren().forPath(chunks)) {
        if (Long.parseLong(c.substring(0, 20)) < firstKept) {
          zk.delete().forPath(chunks + "/" + c);
          removed++;
        }
      }
      return removed;
    } catch (Exception e) {
      throw failure("pruning below " + treeSize, e);
    }
  }

  private String batchPath(long start) {
    return batches + "/" + name(start);
  }

  private String chunkPath(long start, long epoch, int k) {
    return chunks + "/" + name(start) + "-" + epoch + "-" + k;
  }

  private static String name(long start) {
    return String.format("%020d", start);
  }

  /** Splits entries into chunks of length-prefixed entries, each at most MAX_CHUNK_BYTES. */
  static List<byte[]> chunk(List<byte[]> entries) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    for (int i = 0; i < entries.size(); i++) {
      byte[] e = entries.get(i);
      if (e.length > MAX_ENTRY_BYTES) {
        throw new IllegalArgumentException(
            "entry " + i + " is " + e.length + " bytes, longer than " + MAX_ENTRY_BYTES);
      }
      if (cur.size() + 2 + e.length > MAX_CHUNK_BYTES) {
        out.add(cur.toByteArray());
        cur.reset();
      }
      cur.write(e.length >>> 8);
      cur.write(e.length);
      cur.writeBytes(e);
    }
    out.add(cur.toByteArray());
    return out;
  }

  private static void decodeChunk(byte[] part, List<byte[]> into, long start) {
    int pos = 0;
    while (pos < part.length) {
      if (pos + 2 > part.length) {
        throw new CommitLogException("a chunk of the batch at " + start + " is cut short");
      }
      int len = ((part[pos] & 0xff) << 8) | (part[pos + 1] & 0xff);
      if (pos + 2 + len > part.length) {
        throw new CommitLogException("a chunk of the batch at " + start + " is cut short");
      }
      into.add(Arrays.copyOfRange(part, pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
  }

  private static byte[] encodeHead(long treeSize, Hash root, long epoch, String writer) {
    ObjectNode o = JSON.createObjectNode();
    o.put("treeSize", treeSize);
    o.put("root", root.toBase64());
    o.put("epoch", epoch);
    o.put("writer", writer);
    return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Head decodeHead(byte[] data, int version) {
    try {
      JsonNode o = JSON.readTree(data);
      return new Head(
          o.get("treeSize").asLong(),
          Hash.fromBase64(o.get("root").asText()),
          o.get("epoch").asLong(),
          o.get("writer").asText(),
          version);
    } catch (Exception e) {
      throw new CommitLogException("the head does not decode", e);
    }
  }

  private static byte[] encodeRecord(
      long start,
      int count,
      long treeSize,
      Hash root,
      long epoch,
      String writer,
      int parts,
      Hash digest) {
    ObjectNode o = JSON.createObjectNode();
    o.put("start", start);
    o.put("count", count);
    o.put("treeSize", treeSize);
    o.put("root", root.toBase64());
    o.put("epoch", epoch);
    o.put("writer", writer);
    o.put("chunks", parts);
    o.put("digest", digest.toBase64());
    return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static CommitLogException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CommitLogException(what + " failed: " + e, e);
  }
}
