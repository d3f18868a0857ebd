package org.rcskt.verifier.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs one benchmark class with the JMH options given and prints each time as a multiple of one of
 * its benchmarks, measured in the same run: on a shared machine the ratio is what to read.
 */
final class SameRunRatios {
  private SameRunRatios() {}

  static void run(Class<?> benchmarks, String base, String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .parent(new CommandLineOptions(args))
                    .include(benchmarks.getName() + ".*")
                    .build())
            .run();
    Map<String, Double> score = new HashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      score.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    double b = score.getOrDefault(base, Double.NaN);
    System.out.println();
    System.out.println("time as a multiple of " + base + " (" + b + " us), same run:");
    score.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                System.out.printf(
                    "  %-24s %10.2f us  %6.2fx%n", e.getKey(), e.getValue(), e.getValue() / b));
  }
}
