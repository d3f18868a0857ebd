/**
 * The monitor's crash test (docs/monitor.md, "State and operations" and "Alerts", delivery): the
 * daemon runs as a child process following a live log, is killed with SIGKILL at seeded random
 * moments and restarted on the same state, and must lose no verified progress and no alert.
 */
package org.rcskt.monitor.crash;
