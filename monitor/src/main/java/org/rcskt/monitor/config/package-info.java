/**
 * The monitor's configuration file: a JSON document naming the logs to follow, the watch list, the
 * alert sinks, the gossip peers and the heartbeat (docs/monitor.md, "Configuration"). Parsing is
 * strict: unknown fields and out-of-range values are errors that name the offending field.
 */
package org.rcskt.monitor.config;
