package org.distill4j.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Closest-match suggestions for misspelled names (types, keys, tap paths). */
public final class Suggest {
  private Suggest() {}

  /** The candidate closest to {@code word}, or null when none is reasonably close. */
  public static String closest(String word, Collection<String> candidates) {
    List<String> best = nearest(word, candidates, 1);
    return best.isEmpty() ? null : best.get(0);
  }

  /** Up to {@code limit} candidates ordered by edit distance, keeping only plausible ones. */
  public static List<String> nearest(String word, Collection<String> candidates, int limit) {
    String w = word.toLowerCase(Locale.ROOT);
    List<String> sorted = new ArrayList<>(candidates);
    sorted.sort(
        Comparator.comparingInt((String c) -> distance(w, c.toLowerCase(Locale.ROOT)))
            .thenComparing(c -> c));
    List<String> out = new ArrayList<>();
    for (String c : sorted) {
      int d = distance(w, c.toLowerCase(Locale.ROOT));
      if (d <= Math.max(2, Math.max(w.length(), c.length()) / 2) && out.size() < limit) {
        out.add(c);
      }
    }
    return out;
  }

  /** Levenshtein distance. */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
