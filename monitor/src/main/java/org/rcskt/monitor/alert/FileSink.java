package org.rcskt.monitor.alert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Alerts appended to a file as JSON lines, each forced to disk before it counts as delivered.
 *
 * <p>The file is its own record of delivery: on open, a line cut short by a crash is cut off, and
 * the last complete line tells the dispatcher which queued alerts the file already holds, so a
 * crash between writing a line and dequeuing its alert writes no duplicate.
 */
public final class FileSink implements AlertSink {
  private static final int TAIL = 64 * 1024;

  private final String name;
  private final Path path;
  private final FileChannel channel;
  private final Alert last;

  /**
   * Opens (creating if needed) {@code path} for appending.
   *
   * @throws IOException if the file cannot be opened or repaired
   */
  public FileSink(String name, Path path) throws IOException {
    this.name = name;
    this.path = path;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      this.last = repairAndReadLast();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  // Cuts a trailing partial line and returns the last complete line's alert (null if none).
  private Alert repairAndReadLast() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return null;
    }
    int n = (int) Math.min(size, TAIL);
    ByteBuffer buf = ByteBuffer.allocate(n);
    channel.read(buf, size - n);
    byte[] tail = buf.array();
    int end = n;
    if (tail[n - 1] != '\n') {
      int lastNewline = lastIndexOf(tail, n - 1);
      long keep = lastNewline < 0 ? size - n : size - n + lastNewline + 1;
      if (lastNewline < 0 && size > n) {
        throw new IOException(
            path + " ends with a line longer than " + TAIL + " bytes; refusing to cut it");
      }
      channel.truncate(keep);
      channel.force(true);
      if (lastNewline < 0) {
        return null;
      }
      end = lastNewline + 1;
    }
    int start = lastIndexOf(tail, end - 2) + 1;
    String line = new String(tail, start, end - 1 - start, StandardCharsets.UTF_8);
    if (line.isEmpty()) {
      return null;
    }
    try {
      return Alert.fromJson(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException(path + ": last line is not an alert: " + e.getMessage(), e);
    }
  }

  private static int lastIndexOf(byte[] b, int from) {
    for (int i = from; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Alert lastDelivered() {
    return last;
  }

  @Override
  public synchronized void deliver(Alert alert) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((alert.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    long pos = channel.size();
    while (line.hasRemaining()) {
      pos += channel.write(line, pos);
    }
    channel.force(false);
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
