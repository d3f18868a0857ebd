package org.rcskt.server.log;

/** What was asked for does not exist in the log (yet): a tile beyond the tree, an unknown hash. */
public class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
