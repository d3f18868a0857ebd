package org.rcskt.server.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.StorageException;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.map.MapProofException;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.MemoryMapNodeStore;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.map.SubjectMap;
import org.rcskt.verifier.merkle.CompactRange;

/**
 * Checks a stored log against itself: recomputes the Merkle tree from the stored entries and
 * compares every stored node, the leaf index, the per-subject event index, the subject states and
 * the latest checkpoint (signature included). Optionally replays every event through the rules.
 * Reads only; run it on a store no server has open.
 */
public final class Fsck {
  private static final int PAGE = 4096;
  private static final int MAX_PROBLEMS = 100;

  /** What a check found. {@code problems} is capped; {@code problemCount} is not. */
  public record Report(long treeSize, Hash rootHash, long problemCount, List<String> problems) {
    public boolean ok() {
      return problemCount == 0;
    }
  }

  private final LogStore store;
  private final LogSigner signer;
  private final RulesContext replayRules;
  private final Consumer<String> progress;
  private final List<String> problems = new ArrayList<>();
  private long problemCount;

  /**
   * @param replayRules the policy to replay every event under (re-verifying all signatures), or
   *     null to check only the stored structures
   * @param progress receives a line now and then on long checks
   */
  public Fsck(
      LogStore store, LogSigner signer, RulesContext replayRules, Consumer<String> progress) {
    this.store = store;
    this.signer = signer;
    this.replayRules = replayRules;
    this.progress = progress;
  }

  private void checkMapRoot(long index, byte[] entry, SubjectMap map, long events) {
    MapRootEntry m;
    try {
      m = MapRootEntry.decode(entry);
    } catch (VerificationException e) {
      problem("map root entry " + index + " does not decode: " + e.getMessage());
      return;
    }
    if (events == 0) {
      problem("map root entry " + index + " follows no event: every batch has at least one");
    }
    if (m.treeSize() != index + 1) {
      problem(
          "map root entry " + index + " says tree size " + m.treeSize() + ", not " + (index + 1));
    }
    if (!m.mapRoot().equals(map.root()) || m.subjectCount() != map.subjectCount()) {
      problem(
          "map root entry "
              + index
              + " commits to root "
              + m.mapRoot()
              + " of "
              + m.subjectCount()
              + " subjects; the entries before it give "
              + map.root()
              + " of "
              + map.subjectCount());
    }
  }

  /**
   * The stored map against the one recomputed from the entries: its state (root and count), every
   * leaf record (each names a subject of the log with its latest event), then, for every subject of
   * the log, the proof the stored records give, which must verify against the stored root and name
   * the subject's latest event. A damaged record would otherwise show only as lookups whose
   * completeness proofs fail.
   */
  private void checkStoredMap(SubjectMap recomputed, Set<Hash> subjects) {
    StoredMap stored;
    try {
      stored = StoredMap.open(store);
      if (!stored.root().equals(recomputed.root())
          || stored.subjectCount() != recomputed.subjectCount()) {
        problem(
            "the stored subject map has root "
                + stored.root()
                + " of "
                + stored.subjectCount()
                + " subjects; the entries give "
                + recomputed.root()
                + " of "
                + recomputed.subjectCount()
                + " subjects");
      }
    } catch (RuntimeException e) {
      problem("the stored subject map does not load: " + e.getMessage());
      return;
    }
    long[] leafRecords = {0};
    try {
      StoredMap.forEachLeaf(
          store,
          leaf -> {
            leafRecords[0]++;
            Optional<SubjectLeaf> want = recomputed.get(leaf.index());
            if (!want.equals(Optional.of(leaf))) {
              problem(
                  "the stored subject map has a leaf record of "
                      + leaf.index()
                      + " with "
                      + describe(leaf)
                      + "; the entries give "
                      + want.map(Fsck::describe).orElse("no such subject"));
            }
          });
    } catch (RuntimeException e) {
      problem("the stored subject map's leaf records do not read: " + e.getMessage());
    }
    if (leafRecords[0] != recomputed.subjectCount()) {
      problem(
          "the stored subject map has "
              + leafRecords[0]
              + " leaf records; the entries give "
              + recomputed.subjectCount()
              + " subjects");
    }
    for (Hash subject : subjects) {
      Optional<SubjectLeaf> want = recomputed.get(subject);
      Optional<SubjectLeaf> got;
      try (StoredMap.Proved p = stored.prove(subject)) {
        got = p.proof().verify(stored.root(), subject);
      } catch (MapProofException | RuntimeException e) {
        problem(
            "the stored subject map's records give no valid proof for subject "
                + subject
                + ": "
                + e.getMessage());
        continue;
      }
      if (!got.equals(want)) {
        problem(
            "the stored subject map's records prove "
                + got.map(Fsck::describe).orElse("no entry")
                + " for subject "
                + subject
                + "; the entries give "
                + want.map(Fsck::describe).orElse("no entry"));
      }
    }
  }

  /**
   * The newest witnessed checkpoint, when the store keeps one: signed by the log's key, of a size
   * the log has, and with the root the stored tree has at that size (nodes checked above).
   */
  private void checkWitnessed(long n) {
    byte[] raw = store.witnessedCheckpoint();
    if (raw == null) {
      return;
    }
    TreeHead w;
    try {
      w = signer.open(raw);
    } catch (VerificationException e) {
      problem("the stored witnessed checkpoint does not verify: " + e.getMessage());
      return;
    }
    if (w.treeSize() > n) {
      problem(
          "the stored witnessed checkpoint is for tree size "
              + w.treeSize()
              + " but the store holds "
              + n);
      return;
    }
    Hash root;
    try {
      root = org.rcskt.verifier.merkle.Proofs.rootHash(w.treeSize(), store::node);
    } catch (RuntimeException e) {
      problem(
          "the tree at the witnessed size " + w.treeSize() + " does not read: " + e.getMessage());
      return;
    }
    if (!root.equals(w.rootHash())) {
      problem(
          "the stored witnessed checkpoint of size "
              + w.treeSize()
              + " has root "
              + w.rootHash()
              + "; the stored tree has "
              + root);
    }
  }

  private static String describe(SubjectLeaf l) {
    return "next sequence " + l.nextSequence() + " after " + l.lastEventHash();
  }

  private void problem(String p) {
    problemCount++;
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    }
  }

  public Report run() {
    long n = store.treeSize();
    byte[] raw = store.checkpoint();
    TreeHead head = null;
    if (raw == null) {
      if (n != 0) {
        problem("the store holds " + n + " entries but no checkpoint");
      }
    } else {
      try {
        head = signer.open(raw);
        if (head.treeSize() != n) {
          problem(
              "the checkpoint is for tree size " + head.treeSize() + " but the store holds " + n);
        }
      } catch (VerificationException e) {
        problem("the stored checkpoint does not verify: " + e.getMessage());
      }
    }
    long entryRows = store.countEntries();
    if (entryRows != n) {
      problem("the store has " + entryRows + " entry rows for a tree of size " + n);
    }

    CompactRange range = CompactRange.empty();
    long[] nodeChecks = {0};
    Map<Hash, SubjectState> replayStates = replayRules == null ? null : new HashMap<>();
    AnchorRegistry replayAnchors = AnchorRegistry.EMPTY;
    Map<Hash, Long> firstAnchorLeaf = new HashMap<>();
    // The subject map recomputed from the events: each event makes its subject's latest state
    // (its sequence + 1, its leaf hash); each MAP_ROOT leaf must commit to the map so far.
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    SubjectMap.Batch mapBatch = map.batch();
    long mapRoots = 0;
    long eventsSinceMapRoot = 0;
    Set<Hash> mapSubjects = new HashSet<>();
    byte[] leafHashes = new byte[PAGE * Hash.SIZE];
    for (long start = 0; start < n; start += PAGE) {
      long end = Math.min(n, start + PAGE);
      List<byte[]> es = store.entries(start, end);
      if (es.size() != end - start) {
        problem("entry " + (start + es.size()) + " is missing");
        break;
      }
      int stored = store.nodes(0, start, (int) (end - start), leafHashes);
      for (int i = 0; i < es.size(); i++) {
        long index = start + i;
        byte[] entry = es.get(i);
        Hash leaf = EventCodec.leafHash(entry);
        if (i >= stored || !Hash.of(leafHashes, i * Hash.SIZE).equals(leaf)) {
          problem("stored leaf hash of entry " + index + " is not the hash of the entry");
        }
        long li = store.leafIndex(leaf);
        if (li != index) {
          problem("leaf index row of entry " + index + " says " + li);
        }
        range.append(
            leaf,
            (level, idx, h) -> {
              if (level == 0) {
                return;
              }
              nodeChecks[0]++;
              Hash s = store.node(level, idx);
              if (!h.equals(s)) {
                problem(
                    "node ("
                        + level
                        + ", "
                        + idx
                        + ") is "
                        + (s == null ? "missing" : "stored as " + s)
                        + ", recomputed "
                        + h);
              }
            });
        if (MapRootEntry.isMapRoot(entry)) {
          mapRoots++;
          map = map.apply(mapBatch.finish());
          mapBatch = map.batch();
          checkMapRoot(index, entry, map, eventsSinceMapRoot);
          eventsSinceMapRoot = 0;
          continue;
        }
        KeyEvent event;
        try {
          event = EventCodec.decode(entry);
        } catch (EventFormatException e) {
          problem("entry " + index + " does not decode: " + e.getMessage());
          continue;
        }
        eventsSinceMapRoot++;
        mapBatch.put(event.subject(), event.sequence() + 1, leaf);
        mapSubjects.add(event.subject());
        checkSubjectRow(index, event, n);
        if (event.type() == EventType.ANCHOR) {
          firstAnchorLeaf.putIfAbsent(event.subject(), index);
        } else {
          Long anchorLeaf = firstAnchorLeaf.get(event.subject());
          if (anchorLeaf != null) {
            problem(
                "leaf "
                    + index
                    + " ("
                    + describe(event)
                    + ") names subject "
                    + event.subject()
                    + ", the carrier subject of the ANCHOR event at leaf "
                    + anchorLeaf
                    + ": phone and carrier events share one subject's event index");
          }
        }
        if (replayRules != null) {
          boolean anchor = event.type() == EventType.ANCHOR;
          // For an ANCHOR event: the phone state of its carrier subject, which must be empty.
          SubjectState st = replayStates.getOrDefault(event.subject(), SubjectState.EMPTY);
          try {
            Applied a = EventRules.verifyAndApply(st, event, replayAnchors, replayRules);
            if (anchor) {
              replayAnchors = a.anchors();
            } else {
              replayStates.put(event.subject(), a.state());
            }
          } catch (RuleViolationException e) {
            problem(
                "entry "
                    + index
                    + " breaks the rules on replay: "
                    + e.violation()
                    + ": "
                    + e.getMessage());
          }
        }
      }
      if ((start / PAGE) % 256 == 255) {
        progress.accept("checked " + end + " of " + n + " entries");
      }
    }
    if (eventsSinceMapRoot > 0) {
      problem(
          "the last "
              + eventsSinceMapRoot
              + " events are not followed by a map root: the checkpoint's last leaf must be one");
    }
    checkStoredMap(map, mapSubjects);
    Hash root = range.rootHash();
    if (head != null && head.treeSize() == n && !root.equals(head.rootHash())) {
      problem("recomputed root hash " + root + " differs from the checkpoint's " + head.rootHash());
    }
    checkWitnessed(n);

    long[] counts = new long[3];
    store.forEachLeafIndex((h, i) -> counts[0]++);
    if (counts[0] != n) {
      problem("the leaf index has " + counts[0] + " rows for a tree of size " + n);
    }
    store.forEachNode(
        (level, index, h) -> {
          counts[1]++;
          if (level >= 63 || index >= (n >>> level)) {
            problem("node (" + level + ", " + index + ") is beyond the tree of size " + n);
          }
        });
    long expectedNodes = 0;
    for (int l = 0; l < 63; l++) {
      expectedNodes += n >>> l;
    }
    if (counts[1] != expectedNodes) {
      problem(
          "the store has " + counts[1] + " nodes; a tree of size " + n + " has " + expectedNodes);
    }
    long fullTiles = n / 256;
    long[] tileRows = {0};
    byte[] expect = new byte[256 * Hash.SIZE];
    store.forEachFullTile(
        (index, hashes) -> {
          tileRows[0]++;
          if (index >= fullTiles) {
            problem("full tile " + index + " is beyond the tree of size " + n);
            return;
          }
          int got = store.nodes(0, index * 256, 256, expect);
          if (got != 256 || !java.util.Arrays.equals(expect, hashes)) {
            problem("full tile " + index + " differs from the stored leaf hashes");
          }
        });
    if (tileRows[0] != fullTiles) {
      problem(
          "the store has "
              + tileRows[0]
              + " full tiles; a tree of size "
              + n
              + " has "
              + fullTiles);
    }
    Hash[] previous = {null};
    long[] subjects = {0};
    store.forEachSubjectEvent(
        r -> {
          counts[2]++;
          if (!r.subject().equals(previous[0])) {
            subjects[0]++;
            previous[0] = r.subject();
          }
        });
    if (counts[2] != n - mapRoots) {
      problem(
          "the subject event index has "
              + counts[2]
              + " rows for "
              + (n - mapRoots)
              + " events (a tree of size "
              + n
              + " with "
              + mapRoots
              + " map roots)");
    }
    AnchorRegistry storedAnchors = AnchorRegistry.EMPTY;
    try {
      storedAnchors = StateCodec.anchors(store);
      if (replayRules != null && !storedAnchors.equals(replayAnchors)) {
        problem("the stored anchor registry differs from the replayed one");
      }
    } catch (StorageException e) {
      problem(e.getMessage());
    }
    long carrierSubjects = 0;
    for (AnchorRegistry.Carrier c : storedAnchors.carriers()) {
      Hash subject = PhoneNumbers.carrierSubject(c.carrierId());
      if (!store.subjectEvents(subject, 0, 1).isEmpty()) {
        carrierSubjects++;
      }
      if (store.subjectState(subject) != null) {
        problem(
            "subject "
                + subject
                + " is the carrier subject of "
                + c.carrierId()
                + " but has a phone subject state");
      }
    }
    Map<Hash, SubjectState> replayed = replayStates;
    long[] states = {0};
    store.forEachSubjectState(
        (subject, bytes) -> {
          states[0]++;
          SubjectState s;
          try {
            s = SubjectState.fromBytes(bytes);
          } catch (EventFormatException e) {
            problem("state of subject " + subject + " does not decode: " + e.getMessage());
            return;
          }
          List<AppendBatch.SubjectEvent> tail =
              store.subjectEvents(subject, Math.max(0, s.nextSequence() - 1), 2);
          if (tail.size() != 1 || tail.get(0).sequence() != s.nextSequence() - 1) {
            problem(
                "state of subject "
                    + subject
                    + " expects sequence "
                    + s.nextSequence()
                    + " next, but its event index disagrees");
            return;
          }
          byte[] e = store.entry(tail.get(0).leafIndex());
          if (e == null || !EventCodec.leafHash(e).equals(s.lastEventHash())) {
            problem("state of subject " + subject + " does not end with its last logged event");
          }
          if (replayed != null && !s.equals(replayed.get(subject))) {
            problem("state of subject " + subject + " differs from the replayed state");
          }
        });
    if (states[0] != subjects[0] - carrierSubjects) {
      problem(
          (subjects[0] - carrierSubjects)
              + " phone subjects have events but "
              + states[0]
              + " have states");
    }
    progress.accept(
        "checked "
            + n
            + " entries, "
            + counts[1]
            + " nodes ("
            + nodeChecks[0]
            + " recomputed), "
            + states[0]
            + " subject states");
    return new Report(n, root, problemCount, List.copyOf(problems));
  }

  /**
   * The event at {@code index} must own its row of the subject event index. When the row points to
   * another leaf, says which leaf took it, so an operator can tell the event that broke the index.
   */
  private void checkSubjectRow(long index, KeyEvent event, long treeSize) {
    Hash subject = event.subject();
    long sequence = event.sequence();
    List<AppendBatch.SubjectEvent> row = store.subjectEvents(subject, sequence, 1);
    String at = "(" + subject + ", " + sequence + ")";
    if (row.isEmpty() || row.get(0).sequence() != sequence) {
      problem(
          "subject event index has no row "
              + at
              + " -> "
              + index
              + " for leaf "
              + index
              + " ("
              + describe(event)
              + ")");
      return;
    }
    long other = row.get(0).leafIndex();
    if (other == index) {
      return;
    }
    KeyEvent taker = null;
    if (other >= 0 && other < treeSize) {
      try {
        byte[] e = store.entry(other);
        taker = e == null ? null : EventCodec.decode(e);
      } catch (EventFormatException e) {
        taker = null;
      }
    }
    if (taker != null
        && taker.subject().equals(subject)
        && taker.sequence() == sequence
        && other > index) {
      problem(
          "subject event index row "
              + at
              + " points to leaf "
              + other
              + " ("
              + describe(taker)
              + ") instead of leaf "
              + index
              + " ("
              + describe(event)
              + "): leaf "
              + other
              + " overwrote the row of leaf "
              + index);
    } else {
      problem(
          "subject event index row "
              + at
              + " points to leaf "
              + other
              + (taker == null ? "" : " (" + describe(taker) + ")")
              + " instead of leaf "
              + index
              + " ("
              + describe(event)
              + ")");
    }
  }

  private static String describe(KeyEvent e) {
    return e.type() + " of carrier " + e.body().carrierId();
  }
}
