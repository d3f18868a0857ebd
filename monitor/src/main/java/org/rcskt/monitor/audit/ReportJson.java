package org.rcskt.monitor.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;

/** Writes and reads an {@link AuditReport} as JSON (field names as in the record). */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  /** Writes {@code report} to {@code out} (left open), pretty-printed. */
  public static void write(AuditReport report, OutputStream out) throws IOException {
    MAPPER
        .writer()
        .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .writeValue(out, report);
  }

  /** {@code report} as a JSON string. */
  public static String toJson(AuditReport report) throws IOException {
    return MAPPER.writeValueAsString(report);
  }

  /** Parses a report written by {@link #write}. */
  public static AuditReport read(byte[] json) throws IOException {
    return MAPPER.readValue(json, AuditReport.class);
  }
}
