package org.rcskt.monitor.alert;

import java.util.List;

/** Told about alerts once they are committed (to count them and wake the dispatcher). */
@FunctionalInterface
public interface AlertListener {
  void committed(List<Alert> alerts);
}
