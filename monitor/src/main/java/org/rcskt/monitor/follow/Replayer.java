package org.rcskt.monitor.follow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.rcskt.monitor.alert.Alert;
import org.rcskt.monitor.config.LogConfig;
import org.rcskt.monitor.watch.WatchList;
import org.rcskt.monitor.watch.WatchRules;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.Device;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventPayload;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.EventSignatures;
import org.rcskt.verifier.event.EventType;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;
import org.rcskt.verifier.map.MapRootEntry;

/**
 * Replays the key events of one step (map roots are left to the follower's map check) of entries
 * through the rules (docs/protocol.md, "Rules"), keeping the results in memory until the step is
 * verified and committed.
 *
 * <p>Signatures are checked in parallel first, with a resolver that knows every key the step could
 * name (the states of the subjects it touches, the anchors, the policy key and every key the step's
 * events introduce): a signature's validity depends only on the key its key id names, and the key
 * id is a hash of the key, so this gives the same answer as the exact resolver for every signature
 * it resolves. The rules then run in log order. An event that fails either phase is replayed again
 * with {@link EventRules#verifyAndApply} and the exact resolver, so the violation reported is the
 * canonical one.
 */
final class Replayer {
  /** Reads a subject's stored record; null when never seen. */
  interface SubjectSource {
    SubjectRecord load(Hash subject) throws IOException;
  }

  /** A rule-breaking (or undecodable) entry the log accepted. */
  record Violation(long leafIndex, KeyEvent event, String message, String violation) {}

  private static final int CHUNK = 256;

  private final String origin;
  private final LogConfig.Replay scope;
  private final WatchList watch;
  private final RulesContext ctx;
  private final ExecutorService pool;
  private final int parallelism;

  private final Map<Hash, SubjectRecord> touched = new HashMap<>();
  private final List<Long> anchorLeaves = new ArrayList<>();
  private final List<Alert> alerts = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();
  private AnchorRegistry anchors;
  private KeyEvent[] decoded = new KeyEvent[0];

  Replayer(
      String origin,
      LogConfig.Replay scope,
      WatchList watch,
      RulesContext ctx,
      AnchorRegistry anchors,
      ExecutorService pool,
      int parallelism) {
    this.origin = origin;
    this.scope = scope;
    this.watch = watch;
    this.ctx = ctx;
    this.anchors = anchors;
    this.pool = pool;
    this.parallelism = parallelism;
  }

  Map<Hash, SubjectRecord> touched() {
    return touched;
  }

  AnchorRegistry anchors() {
    return anchors;
  }

  List<Long> newAnchorLeaves() {
    return anchorLeaves;
  }

  List<Alert> alerts() {
    return alerts;
  }

  List<Violation> violations() {
    return violations;
  }

  /** The entries of the last {@link #replay} decoded as key events; null for map roots and junk. */
  KeyEvent[] decoded() {
    return decoded;
  }

  private boolean replays(Hash subject) {
    return scope == LogConfig.Replay.ALL || watch.contains(subject);
  }

  /** Replays entries {@code firstLeaf ..} in order. */
  void replay(long firstLeaf, List<byte[]> entries, SubjectSource source, long nowMs)
      throws IOException {
    int n = entries.size();
    KeyEvent[] events = new KeyEvent[n];
    decoded = events;
    for (int i = 0; i < n; i++) {
      if (MapRootEntry.isMapRoot(entries.get(i))) {
        // Checked against the recomputed map by the follower (protocol 16.3).
        continue;
      }
      try {
        events[i] = EventCodec.decode(entries.get(i));
      } catch (EventFormatException e) {
        violations.add(
            new Violation(
                firstLeaf + i,
                null,
                "entry does not decode as a key event: " + e.getMessage(),
                "MALFORMED"));
      }
    }
    // Everything the signatures of this step can name.
    Map<Hash, PublicKeyInfo> keys = new HashMap<>();
    keys.put(ctx.policyKey().keyId(), ctx.policyKey());
    addAnchorKeys(keys, anchors);
    for (KeyEvent e : events) {
      if (e == null) {
        continue;
      }
      EventPayload p = e.body().payload();
      if (p instanceof EventPayload.Register) {
        add(keys, ((EventPayload.Register) p).publicKey());
      } else if (p instanceof EventPayload.Rotate) {
        add(keys, ((EventPayload.Rotate) p).publicKey());
      } else if (p instanceof EventPayload.Anchor) {
        add(keys, ((EventPayload.Anchor) p).publicKey());
      }
      if (e.type() != EventType.ANCHOR
          && replays(e.subject())
          && !touched.containsKey(e.subject())) {
        SubjectRecord r = source.load(e.subject());
        touched.put(e.subject(), r == null ? SubjectRecord.empty() : r);
        for (Device d : touched.get(e.subject()).state().devices()) {
          add(keys, d.publicKey());
        }
      }
    }
    Object[] checked = verifySignatures(events, keys);
    for (int i = 0; i < n; i++) {
      KeyEvent e = events[i];
      if (e == null) {
        continue;
      }
      long leaf = firstLeaf + i;
      boolean anchor = e.type() == EventType.ANCHOR;
      if (!anchor && !replays(e.subject())) {
        continue;
      }
      SubjectRecord rec = anchor ? null : touched.get(e.subject());
      SubjectState state = anchor ? phoneState(e.subject(), source) : rec.state();
      Applied a;
      try {
        if (checked[i] instanceof VerifiedEvent) {
          a = EventRules.apply(state, (VerifiedEvent) checked[i], anchors, ctx);
        } else {
          throw (RuleViolationException) checked[i];
        }
      } catch (RuleViolationException first) {
        try {
          a = EventRules.verifyAndApply(state, e, anchors, ctx);
        } catch (RuleViolationException exact) {
          violations.add(new Violation(leaf, e, exact.getMessage(), exact.violation().name()));
          continue;
        }
      }
      if (anchor) {
        anchors = a.anchors();
        anchorLeaves.add(leaf);
      } else {
        touched.put(e.subject(), rec.plus(a.state(), leaf));
        WatchList.Entry w = watch.get(e.subject());
        if (w != null) {
          alerts.addAll(WatchRules.alertsFor(origin, leaf, a, w, nowMs));
        }
      }
    }
  }

  /**
   * The phone state of an ANCHOR event's carrier subject, which the rules require to be empty; only
   * known where this monitor replays that subject.
   */
  private SubjectState phoneState(Hash subject, SubjectSource source) throws IOException {
    SubjectRecord r = touched.get(subject);
    if (r == null && replays(subject)) {
      r = source.load(subject);
    }
    return r == null ? SubjectState.EMPTY : r.state();
  }

  private Object[] verifySignatures(KeyEvent[] events, Map<Hash, PublicKeyInfo> keys)
      throws IOException {
    Object[] out = new Object[events.length];
    int chunks = (events.length + CHUNK - 1) / CHUNK;
    if (parallelism <= 1 || chunks <= 1) {
      verifyRange(events, keys, out, 0, events.length);
      return out;
    }
    List<Future<?>> fs = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = c * CHUNK;
      int to = Math.min(events.length, from + CHUNK);
      fs.add(pool.submit(() -> verifyRange(events, keys, out, from, to)));
    }
    try {
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while verifying signatures", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("signature verification failed unexpectedly", e.getCause());
    }
    return out;
  }

  private void verifyRange(
      KeyEvent[] events, Map<Hash, PublicKeyInfo> keys, Object[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      KeyEvent e = events[i];
      if (e == null || (e.type() != EventType.ANCHOR && !replays(e.subject()))) {
        continue;
      }
      try {
        out[i] = EventSignatures.verify(e, keys::get, ctx.deviceAttestation());
      } catch (RuleViolationException ex) {
        out[i] = ex;
      }
    }
  }

  private static void addAnchorKeys(Map<Hash, PublicKeyInfo> keys, AnchorRegistry anchors) {
    for (AnchorRegistry.Carrier c : anchors.carriers()) {
      for (PublicKeyInfo k : c.keys()) {
        add(keys, k);
      }
    }
  }

  private static void add(Map<Hash, PublicKeyInfo> keys, PublicKeyInfo k) {
    keys.putIfAbsent(k.keyId(), k);
  }
}
