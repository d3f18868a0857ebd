package org.rcskt.verifier.event;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Costs of ingesting one attested REGISTER (two Ed25519 signatures): decoding, the signature phase,
 * the rules phase and the JSON parse. Run with {@link #main}; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EventBenchmark {
  private byte[] encoded;
  private String json;
  private KeyEvent event;
  private VerifiedEvent verified;
  private AnchorRegistry anchors;
  private RulesContext ctx;
  private KeyResolver resolver;

  @Setup
  public void setup() throws Exception {
    anchors = Fixtures.anchors();
    ctx = Fixtures.ctx();
    event =
        Fixtures.alice(SubjectState.EMPTY, Fixtures.T0)
            .register("phone", Fixtures.pk(Fixtures.PHONE))
            .sign(Fixtures.PHONE, Fixtures.CARRIER);
    encoded = event.encoded();
    json = EventJson.toJsonString(event);
    resolver = KeyResolver.of(SubjectState.EMPTY, anchors, ctx.policyKey());
    verified = EventSignatures.verify(event, resolver);
  }

  @Benchmark
  public KeyEvent decode() throws Exception {
    return EventCodec.decode(encoded);
  }

  @Benchmark
  public KeyEvent parseJson() throws Exception {
    return EventJson.parse(json);
  }

  @Benchmark
  public VerifiedEvent verifySignatures() throws Exception {
    return EventSignatures.verify(EventCodec.decode(encoded), resolver);
  }

  @Benchmark
  public Applied applyRules() throws Exception {
    return EventRules.apply(SubjectState.EMPTY, verified, anchors, ctx);
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(EventBenchmark.class.getSimpleName()).build()).run();
  }
}
