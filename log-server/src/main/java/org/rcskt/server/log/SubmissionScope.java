package org.rcskt.server.log;

/**
 * Which events a submission may carry, by the carrier they name: what the authenticated submitter
 * is bound to. Checked after parsing, before any signature (docs/design/0016).
 */
public interface SubmissionScope {
  /** Every carrier: open writes, or a submitter bound to {@code "*"}. */
  SubmissionScope ANY =
      new SubmissionScope() {
        @Override
        public boolean permits(String carrierId) {
          return true;
        }

        @Override
        public String describe() {
          return "anyone";
        }
      };

  /** Whether an event naming {@code carrierId} may be submitted. */
  boolean permits(String carrierId);

  /** Who the scope belongs to, for the refusal: "submitter carrier-a". */
  String describe();
}
