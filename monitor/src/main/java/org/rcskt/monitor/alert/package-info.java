/**
 * Alerts and their sinks (issue 4, "Watching"; docs/monitor.md, "Alerts"). An alert is raised
 * inside the same state commit as the log progress that caused it and queued for every sink; a
 * sink's queue drains in order, and an alert leaves it only once the sink has taken it, so no alert
 * is lost to a crash or to a receiver that is down.
 */
package org.rcskt.monitor.alert;
