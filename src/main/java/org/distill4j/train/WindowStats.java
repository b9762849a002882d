package org.distill4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running sums over one logging window. */
final class WindowStats {
  private final Map<String, Double> sums = new LinkedHashMap<>();
  int count;
  double seconds;
  double readSeconds;
  long samples;

  void add(Map<String, Double> terms, double read, double total, int batchSize) {
    terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
    count++;
    seconds += total;
    readSeconds += read;
    samples += batchSize;
  }

  Map<String, Double> means() {
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, v / count));
    return out;
  }
}
