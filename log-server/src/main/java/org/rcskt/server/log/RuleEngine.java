package org.rcskt.server.log;

import org.rcskt.verifier.event.AnchorRegistry;
import org.rcskt.verifier.event.Applied;
import org.rcskt.verifier.event.EventRules;
import org.rcskt.verifier.event.RuleViolationException;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.event.SubjectState;
import org.rcskt.verifier.event.VerifiedEvent;

/**
 * The rules the integrator applies to a verified event. Always {@link #STANDARD} in a server; the
 * seam exists so that tests can run the integrator with rules that let through what they must not,
 * and show that its own invariant checks still keep the store sound.
 */
@FunctionalInterface
interface RuleEngine {
  /** The protocol's rules, {@link EventRules#apply}. */
  RuleEngine STANDARD = EventRules::apply;

  /** See {@link EventRules#apply}. */
  Applied apply(
      SubjectState current, VerifiedEvent verified, AnchorRegistry anchors, RulesContext ctx)
      throws RuleViolationException;
}
