/**
 * The monitor daemon (issue 4, docs/monitor.md): follows one or more key-transparency logs over
 * HTTP, verifies every checkpoint, proof and entry with verifier-lib, watches chosen phone-number
 * subjects, raises alerts through durable sinks and gossips checkpoints with other monitors.
 *
 * <p>Sub-packages: {@code config} (the configuration file), {@code follow} (fetch and verify a
 * log), {@code watch} (the watch list and its alert rules), {@code alert} (alerts and their sinks),
 * {@code gossip} (checkpoint exchange between monitors), {@code state} (persistent state in
 * RocksDB), {@code evidence} (misbehaviour evidence bundles), {@code http} (the monitor's own HTTP
 * endpoints), {@code metrics} (Prometheus metrics), {@code cli} (the executable's subcommands).
 */
package org.rcskt.monitor;
