package org.distill4j.synthetic;

import java.util.Random;

/** A rotated ellipse whose outline wobbles by a few low harmonics. */
final class SoftEllipse {
  final double cx;
  final double cy;
  final double rx;
  final double ry;
  final double angle;
  private final double cos;
  private final double sin;
  private final double[] amp = new double[3];
  private final double[] phase = new double[3];
  private static final int[] HARMONICS = {2, 3, 5};

  SoftEllipse(double cx, double cy, double rx, double ry, double angle, double wobble, Random rng) {
    this.cx = cx;
    this.cy = cy;
    this.rx = rx;
    this.ry = ry;
    this.angle = angle;
    this.cos = StrictMath.cos(angle);
    this.sin = StrictMath.sin(angle);
    for (int k = 0; k < 3; k++) {
      amp[k] = wobble * rng.nextDouble();
      phase[k] = 2 * Math.PI * rng.nextDouble();
    }
  }

  /** Normalised distance: 1 on the (wobbly) outline, 0 at the centre. */
  double distance(double x, double y) {
    double u = x - cx;
    double v = y - cy;
    double a = (u * cos + v * sin) / rx;
    double b = (-u * sin + v * cos) / ry;
    double d = Math.sqrt(a * a + b * b);
    if (amp[0] == 0 && amp[1] == 0 && amp[2] == 0) {
      return d;
    }
    double theta = StrictMath.atan2(b, a);
    double outline = 1;
    for (int k = 0; k < 3; k++) {
      outline += amp[k] * StrictMath.sin(HARMONICS[k] * theta + phase[k]);
    }
    return d / outline;
  }

  /** Pixel bounds {x0, y0, x1, y1} of the region within {@code reach} normalised radii. */
  int[] bounds(double reach, int w, int h) {
    double extent = Math.max(rx, ry) * reach * 1.2 + 1;
    return new int[] {
      (int) Math.max(0, Math.floor(cx - extent)),
      (int) Math.max(0, Math.floor(cy - extent)),
      (int) Math.min(w - 1, Math.ceil(cx + extent)),
      (int) Math.min(h - 1, Math.ceil(cy + extent))
    };
  }
}
