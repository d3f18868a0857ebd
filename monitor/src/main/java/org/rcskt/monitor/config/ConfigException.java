package org.rcskt.monitor.config;

/**
 * The configuration file is unreadable or invalid. The message names the field (as a JSON path such
 * as {@code logs[0].verifierKey}) and what is wrong with it.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;

  public ConfigException(String field, String problem) {
    super(field.isEmpty() ? problem : field + ": " + problem);
    this.field = field;
  }

  public ConfigException(String field, String problem, Throwable cause) {
    super(field.isEmpty() ? problem : field + ": " + problem, cause);
    this.field = field;
  }

  /** The JSON path of the offending field, or the empty string for the whole file. */
  public String field() {
    return field;
  }
}
