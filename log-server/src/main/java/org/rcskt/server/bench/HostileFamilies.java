package org.rcskt.server.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of request families: every family {@code hostile} knows, in report order, and the
 * weights a run gives them. A new family is a class implementing {@link HostileFamily} and one line
 * in {@link #all}; {@code --families} then selects and weighs it like the others. The {@value
 * #WITNESS} family, whose requests go to a witness, is added by {@code hostile} when it is given
 * one.
 */
final class HostileFamilies {
  private HostileFamilies() {}

  /** The names of the families {@link #all} makes, in the same order. */
  static final List<String> NAMES =
      List.of(
          "escapes",
          "content-types",
          "malformed-http",
          "methods",
          "mutated-events",
          "wrong-events",
          "races",
          "edge",
          "valid");

  /**
   * The family that sends its requests to a witness rather than to the log ({@link WitnessFamily}):
   * not in {@link #NAMES} or {@link #all}, and only in a run given a witness.
   */
  static final String WITNESS = WitnessFamily.NAME;

  /**
   * Checks the names in a {@code --families} value before any family is made.
   *
   * @param witness whether the run has a witness, for the {@value #WITNESS} family
   * @throws IllegalArgumentException naming the unknown family
   */
  static void checkNames(String spec, boolean witness) {
    if (spec == null || spec.isBlank()) {
      return;
    }
    for (String item : spec.split(",")) {
      String name = item.trim().split("=", 2)[0].trim();
      if (name.equals(WITNESS) && !witness) {
        throw new IllegalArgumentException("the family " + WITNESS + " needs --witness-url");
      }
      if (!NAMES.contains(name) && !(witness && name.equals(WITNESS))) {
        throw new IllegalArgumentException(
            "unknown family " + name + "; the families are " + names(witness));
      }
    }
  }

  /** Whether a {@code --families} value (null or blank for all) selects the family {@code name}. */
  static boolean selects(String spec, String name) {
    if (spec == null || spec.isBlank()) {
      return true;
    }
    for (String item : spec.split(",")) {
      if (item.trim().split("=", 2)[0].trim().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The names a {@code --families} value may hold. */
  private static List<String> names(boolean witness) {
    if (!witness) {
      return NAMES;
    }
    List<String> n = new ArrayList<>(NAMES);
    n.add(WITNESS);
    return n;
  }

  /** Every family, in report order, bound to the run's context. */
  static List<HostileFamily> all(HostileContext ctx, int distinctMethods) {
    return List.of(
        new EscapeFamily(ctx),
        new ContentTypeFamily(ctx),
        new MalformedHttpFamily(ctx),
        new MethodFamily(ctx, distinctMethods),
        new MutatedEventFamily(ctx),
        new WrongEventFamily(ctx),
        new RaceFamily(ctx),
        new EdgeFamily(ctx),
        new ValidFamily(ctx));
  }

  /**
   * The weights of a run: each family's default, or only those {@code spec} names with the weights
   * it gives ({@code "escapes=2,valid=1"}; a name alone keeps its default weight).
   *
   * @throws IllegalArgumentException naming the unknown family or the bad weight
   */
  static Map<HostileFamily, Double> weights(List<HostileFamily> families, String spec) {
    Map<HostileFamily, Double> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      for (HostileFamily f : families) {
        out.put(f, f.defaultWeight());
      }
      return out;
    }
    Map<String, HostileFamily> byName = new LinkedHashMap<>();
    for (HostileFamily f : families) {
      byName.put(f.name(), f);
    }
    Map<String, Double> given = new LinkedHashMap<>();
    for (String item : spec.split(",")) {
      String[] kv = item.trim().split("=", 2);
      HostileFamily f = byName.get(kv[0].trim());
      if (f == null) {
        throw new IllegalArgumentException(
            "unknown family " + kv[0].trim() + "; the families are " + byName.keySet());
      }
      double w;
      try {
        w = kv.length == 2 ? Double.parseDouble(kv[1].trim()) : f.defaultWeight();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight of " + f.name() + " is not a number: " + kv[1]);
      }
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weight of " + f.name() + " must be >= 0, got " + w);
      }
      given.put(f.name(), w);
    }
    // Report order, not the order given.
    for (HostileFamily f : families) {
      if (given.containsKey(f.name())) {
        out.put(f, given.get(f.name()));
      }
    }
    if (out.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
      throw new IllegalArgumentException("the weights of --families add up to 0");
    }
    return out;
  }

  /** The names of {@code families}, in order. */
  static List<String> names(Iterable<HostileFamily> families) {
    List<String> n = new ArrayList<>();
    families.forEach(f -> n.add(f.name()));
    return n;
  }
}
