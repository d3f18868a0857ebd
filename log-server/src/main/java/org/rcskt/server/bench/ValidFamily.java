package org.rcskt.server.bench;

import java.util.SplittableRandom;
import org.rcskt.verifier.tile.TilePath;

/**
 * What real clients send, mixed into the hostile traffic to show they keep being served: valid
 * REGISTERs of fresh subjects (and a resubmission of a logged event, a duplicate), the checkpoint,
 * the log's info, inclusion and consistency proofs, entries, hash tiles, entry bundles, subject
 * histories and the carrier's ANCHOR chain, all within the largest tree size the run has seen
 * signed. Each must answer 2xx.
 */
final class ValidFamily implements HostileFamily {
  private final HostileContext ctx;

  ValidFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "valid";
  }

  @Override
  public String description() {
    return "valid registrations, a duplicate, checkpoint, info, proofs, entries, tiles, bundles,"
        + " subjects; each must succeed";
  }

  @Override
  public double defaultWeight() {
    return 15;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    int pick = r.nextInt(100);
    if (pick < 25) {
      HostileEvents ev = ctx.events();
      byte[] body = HostileEvents.jsonBytes(ev.register(ev.subject(i, 0), ev.key(i)));
      return post("register", body, Expect.success("\"duplicate\":false"));
    }
    if (pick < 30) {
      HostileContext.SetupSubject s = ctx.setup().get(r.nextInt(ctx.setup().size()));
      return post(
          "duplicate", HostileEvents.jsonBytes(s.first()), Expect.success("\"duplicate\":true"));
    }
    long size = ctx.treeSize();
    if (pick < 40) {
      return get("checkpoint", "/checkpoint");
    }
    if (pick < 45) {
      return get("info", "/v1/info");
    }
    if (pick < 60) {
      return get("inclusion", "/v1/proof/inclusion?index=" + r.nextLong(size) + "&size=" + size);
    }
    if (pick < 65) {
      HostileContext.SetupSubject s = ctx.setup().get(r.nextInt(ctx.setup().size()));
      return get(
          "inclusion-by-hash",
          "/v1/proof/inclusion?hash=" + s.first().leafHash().toHex() + "&size=" + size);
    }
    if (pick < 75) {
      return get(
          "consistency", "/v1/proof/consistency?from=" + (1 + r.nextLong(size)) + "&to=" + size);
    }
    if (pick < 80) {
      long start = r.nextLong(size);
      long end = Math.min(size, start + 1 + r.nextInt(20));
      return get("entries", "/v1/entries?start=" + start + "&end=" + end);
    }
    if (pick < 88) {
      return get("tile", "/" + tile(r, size, false));
    }
    if (pick < 93) {
      return get("bundle", "/" + tile(r, size, true));
    }
    if (pick < 96) {
      HostileContext.SetupSubject s = ctx.setup().get(r.nextInt(ctx.setup().size()));
      return get("subject", "/v1/subjects/" + s.subject().toHex());
    }
    if (pick < 98) {
      return get("carrier-subject", "/v1/subjects/" + ctx.events().carrierSubject().toHex());
    }
    return get("healthz", "/healthz");
  }

  /** A level-0 hash tile or entry bundle within a tree of {@code size}, full or partial. */
  static TilePath tile(SplittableRandom r, long size, boolean bundle) {
    long full = size / TilePath.FULL_WIDTH;
    int rest = (int) (size % TilePath.FULL_WIDTH);
    long index;
    int width;
    if (full > 0 && (rest == 0 || r.nextBoolean())) {
      index = r.nextLong(full);
      width = TilePath.FULL_WIDTH;
    } else {
      index = full;
      width = 1 + r.nextInt(rest);
    }
    return bundle ? TilePath.entryBundle(index, width) : TilePath.hashTile(0, index, width);
  }

  private Exchange get(String kind, String path) {
    return new Exchange(kind, "GET", ctx.path(path), ctx.get(path), Expect.SUCCESS, kind);
  }

  private Exchange post(String kind, byte[] body, Expect expect) {
    return new Exchange(
        kind,
        "POST",
        ctx.path("/v1/events"),
        ctx.request("POST", "/v1/events", body, "Content-Type: application/json"),
        expect,
        kind);
  }
}
