package org.rcskt.monitor.audit;

/**
 * One noteworthy event in an audit report: a recovery, a revocation, an unattested registration, a
 * key past its rotation deadline, an anchor change or a broken rule. Every field but {@code
 * leafIndex} and {@code kind} may be null when it does not apply.
 *
 * @param leafIndex the log leaf index of the event (for a key past its deadline: of the event that
 *     introduced the key)
 * @param time the event's own timestamp, ISO-8601 UTC
 * @param subject the subject index in hex
 * @param carrier the carrier that attested the event, or the carrier an anchor event is about
 * @param key the identity key concerned, in hex
 * @param kind what happened, per section: the event type, the revocation reason, the anchor action
 *     or the violated rule
 * @param detail a human-readable explanation
 */
public record Finding(
    long leafIndex,
    String time,
    String subject,
    String carrier,
    String key,
    String kind,
    String detail) {}
