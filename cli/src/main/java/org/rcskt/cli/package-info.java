/**
 * {@code rcskt}, the command line for carriers and testers: keys ({@code keygen}), signed key
 * events built from a phone number, a device id and key files ({@code event register|rotate|revoke
 * |anchor}), submission of one event or a batch ({@code submit}), and look-ups and continuity
 * checks with every proof verified ({@code lookup}, {@code verify}). It depends on verifier-lib
 * only: everything it trusts, it checks with the client library a messaging app would use.
 */
package org.rcskt.cli;
