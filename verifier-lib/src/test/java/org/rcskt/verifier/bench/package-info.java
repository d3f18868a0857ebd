/**
 * JMH benchmarks of verifier-lib hot paths (RFC 9162 section 2.1 hashing and proofs). They live in
 * the test sources so the JMH annotation processor runs at test compile; they are not unit tests
 * and surefire does not run them.
 */
package org.rcskt.verifier.bench;
