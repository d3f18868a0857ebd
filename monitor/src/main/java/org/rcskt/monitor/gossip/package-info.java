/**
 * Checkpoint gossip between monitors (issue 4, "Gossip"; docs/monitor.md, "Gossip"). Every
 * checkpoint heard from a peer is verified: the log's signature first, then consistency with the
 * monitor's own view in both directions, with a proof fetched from the log. A tree of the same size
 * with a different root, or a proof that fails, is a split view.
 */
package org.rcskt.monitor.gossip;
