package org.rcskt.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bursts of 2 to 8 concurrent submissions for one fresh subject: either different valid REGISTERs,
 * all with sequence 0, of which exactly one may win (the rest are 409), or copies of one REGISTER,
 * which the log takes once and answers as duplicates otherwise. The run writes a burst's requests
 * on as many connections before it reads any answer.
 */
final class RaceFamily implements HostileFamily {
  /** The largest burst. */
  static final int MAX_BURST = 8;

  private final HostileContext ctx;

  RaceFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "races";
  }

  @Override
  public String description() {
    return "bursts of 2-8 concurrent REGISTERs for one subject: different events (one must win,"
        + " the rest 409) or copies of one (one new, the rest duplicates)";
  }

  @Override
  public double defaultWeight() {
    return 5;
  }

  @Override
  public Probe next(SplittableRandom r, long i) {
    HostileEvents ev = ctx.events();
    int k = 2 + r.nextInt(MAX_BURST - 1);
    boolean copies = r.nextInt(5) < 2;
    List<Exchange> exchanges = new ArrayList<>(k);
    byte[] copy = copies ? HostileEvents.jsonBytes(ev.register(ev.subject(i, 0), ev.key(i))) : null;
    for (int j = 0; j < k; j++) {
      byte[] body =
          copies ? copy : HostileEvents.jsonBytes(ev.register(ev.subject(i, 0), ev.key(i + j)));
      exchanges.add(
          new Exchange(
              copies ? "copies" : "different-events",
              "POST",
              ctx.path("/v1/events"),
              ctx.request("POST", "/v1/events", body, "Content-Type: application/json"),
              Expect.NO_5XX,
              null));
    }
    return new Burst(exchanges, copies ? BurstRule.ONE_NEW_REST_DUPLICATES : BurstRule.ONE_WINNER);
  }
}
