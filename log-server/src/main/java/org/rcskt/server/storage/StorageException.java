package org.rcskt.server.storage;

/**
 * The store could not read or write: an I/O error, a closed store, corrupt data. Never thrown for
 * "not found" (see {@link LogStore} for what each read returns then). Unchecked because every
 * storage call can fail this way and none of the callers between the store and the HTTP error
 * mapper can do anything about it except give up on the request (HTTP 503).
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
