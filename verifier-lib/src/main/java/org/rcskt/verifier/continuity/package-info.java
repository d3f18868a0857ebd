/**
 * Trust-on-first-use continuity for messaging apps (docs/clients.md): an app pins a contact's key
 * on first contact and, whenever it is shown a different key, asks the log whether the change was a
 * logged rotation signed by the pinned key, a carrier-attested recovery, a revocation, or not
 * logged at all.
 */
package org.rcskt.verifier.continuity;
