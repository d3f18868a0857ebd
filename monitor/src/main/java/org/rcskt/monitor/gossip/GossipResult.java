package org.rcskt.monitor.gossip;

/**
 * The verdict on one heard checkpoint.
 *
 * @param origin the checkpoint's origin, or null when it could not be parsed
 * @param outcome the verdict
 * @param detail one sentence saying why
 * @param evidence the evidence bundle id for a split view, or null
 */
public record GossipResult(String origin, GossipOutcome outcome, String detail, String evidence) {}
