package org.distill4j.synthetic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Grows retinal vessel trees as random walks that start inside the optic disc, thin out, branch and
 * curve, and rasterises them into an anti-aliased opacity map.
 */
final class VesselTree {
  /** One straight piece of vessel. */
  record Segment(double x0, double y0, double x1, double y1, double radius) {}

  /** Where a vessel starts and how it behaves. */
  record Seed(double x, double y, double heading, double width, double bend, int steps) {}

  private record Pending(Seed seed, int depth) {}

  private final Random rng;
  private final double scale;
  private final double fieldX;
  private final double fieldY;
  private final double fieldRadius;
  private final List<Segment> segments = new ArrayList<>();

  VesselTree(Random rng, double scale, double fieldX, double fieldY, double fieldRadius) {
    this.rng = rng;
    this.scale = scale;
    this.fieldX = fieldX;
    this.fieldY = fieldY;
    this.fieldRadius = fieldRadius;
  }

  List<Segment> segments() {
    return segments;
  }

  /** Grows one trunk with all its branches (depth-first, deterministic for a given rng). */
  void grow(Seed trunk) {
    Deque<Pending> pending = new ArrayDeque<>();
    pending.push(new Pending(trunk, 0));
    double step = 2.5 * scale;
    while (!pending.isEmpty()) {
      Pending item = pending.pop();
      Seed s = item.seed();
      int depth = item.depth();
      double x = s.x();
      double y = s.y();
      double heading = s.heading();
      double width = s.width();
      for (int i = 0; i < s.steps(); i++) {
        heading += s.bend() + rng.nextGaussian() * 0.07;
        double nx = x + step * StrictMath.cos(heading);
        double ny = y + step * StrictMath.sin(heading);
        segments.add(new Segment(x, y, nx, ny, width / 2));
        x = nx;
        y = ny;
        width *= 0.996;
        if (width < 0.55 * scale || outside(x, y)) {
          break;
        }
        if (depth < 3 && width > 1.1 * scale && rng.nextDouble() < 0.035) {
          double turn = (rng.nextBoolean() ? 1 : -1) * (0.35 + 0.65 * rng.nextDouble());
          int remaining = s.steps() - i;
          int childSteps = (int) (remaining * (0.4 + 0.4 * rng.nextDouble()));
          double childWidth = width * (0.5 + 0.25 * rng.nextDouble());
          Seed child =
              new Seed(x, y, heading + turn, childWidth, rng.nextGaussian() * 0.012, childSteps);
          pending.push(new Pending(child, depth + 1));
          width *= 0.9;
        }
      }
    }
  }

  private boolean outside(double x, double y) {
    double dx = x - fieldX;
    double dy = y - fieldY;
    return Math.sqrt(dx * dx + dy * dy) > fieldRadius;
  }

  /** Max-composites the segments' coverage, times {@code strength(radius)}, into {@code out}. */
  void rasterize(float[] out, int width, int height) {
    for (Segment s : segments) {
      double rr = s.radius();
      float strength = (float) Math.min(0.9, 0.35 + 0.35 * rr / scale);
      int x0 = (int) Math.max(0, Math.floor(Math.min(s.x0(), s.x1()) - rr - 1));
      int x1 = (int) Math.min(width - 1, Math.ceil(Math.max(s.x0(), s.x1()) + rr + 1));
      int y0 = (int) Math.max(0, Math.floor(Math.min(s.y0(), s.y1()) - rr - 1));
      int y1 = (int) Math.min(height - 1, Math.ceil(Math.max(s.y0(), s.y1()) + rr + 1));
      double dx = s.x1() - s.x0();
      double dy = s.y1() - s.y0();
      double len2 = dx * dx + dy * dy;
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          double px = x + 0.5 - s.x0();
          double py = y + 0.5 - s.y0();
          double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
          double ex = px - t * dx;
          double ey = py - t * dy;
          double dist = Math.sqrt(ex * ex + ey * ey);
          double cover = Math.max(0, Math.min(1, rr + 0.5 - dist));
          float a = (float) cover * strength;
          int i = y * width + x;
          if (a > out[i]) {
            out[i] = a;
          }
        }
      }
    }
  }
}
