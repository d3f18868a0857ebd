/**
 * The watch list and the alert rules for watched subjects (issue 4, "Watching"; docs/monitor.md,
 * "Alerts"). Phone numbers are hashed locally into subject indexes (docs/protocol.md, "Subjects");
 * the number itself never leaves the monitor.
 */
package org.rcskt.monitor.watch;
