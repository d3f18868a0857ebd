package org.rcskt.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where a process's CPU went, by thread group: a snapshot of every live thread's CPU time from
 * Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU), grouped by the thread's
 * name. It sees native threads too (RocksDB's flush and compaction threads), which the JVM's thread
 * beans do not. Threads that ended between two snapshots are not in either; the difference between
 * the process's CPU and the groups' sum is theirs. Empty where /proc is not available.
 */
final class ThreadCpu {
  private static final Path TASKS = Path.of("/proc/self/task");

  private final Map<Long, Long> byThread;
  private final Map<Long, String> groups;

  private ThreadCpu(Map<Long, Long> byThread, Map<Long, String> groups) {
    this.byThread = byThread;
    this.groups = groups;
  }

  /** True where the snapshots can be taken (Linux with /proc mounted). */
  static boolean available() {
    return Files.isDirectory(TASKS);
  }

  /** The CPU time of every live thread now, grouped by {@code group} of the thread's name. */
  static ThreadCpu now(Function<String, String> group) {
    Map<Long, Long> cpu = new TreeMap<>();
    Map<Long, String> names = new TreeMap<>();
    if (!available()) {
      return new ThreadCpu(cpu, names);
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          long tid = Long.parseLong(task.getFileName().toString());
          String sched = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII);
          String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
          cpu.put(tid, Long.parseLong(sched.substring(0, sched.indexOf(' '))));
          names.put(tid, group.apply(name));
        } catch (IOException | RuntimeException e) {
          // The thread ended while being read: it is counted with the ended threads.
        }
      }
    } catch (IOException e) {
      return new ThreadCpu(new TreeMap<>(), new TreeMap<>());
    }
    return new ThreadCpu(cpu, names);
  }

  /**
   * CPU nanoseconds per group from {@code before} to this snapshot, for threads alive at this one
   * (a thread that started in between counts from zero), largest first.
   */
  Map<String, Long> since(ThreadCpu before) {
    Map<String, Long> sums = new TreeMap<>();
    byThread.forEach(
        (tid, ns) ->
            sums.merge(groups.get(tid), ns - before.byThread.getOrDefault(tid, 0L), Long::sum));
    Map<String, Long> sorted = new LinkedHashMap<>();
    sums.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
