package org.distill4j.synthetic;

import java.util.Random;

/**
 * The distractors of a synthetic fundus image, painted after the disc and before the vessels:
 * clusters of bright exudate-like spots, sometimes a bright patch about the size of the disc (but
 * without cup or converging vessels) and small dark haemorrhages, all placed away from the disc.
 * How many exudate clusters and disc-sized patches there are depends on the image's kind (its name
 * prefix: N fewest, P most). Draws from the painter's {@code Random}, in the painter's order.
 */
final class FundusLesions {
  private final FundusRaster canvas;
  private final int w;
  private final int h;
  private final Random rng;
  private final char kind;
  private final double scale;
  private final double cx;
  private final double cy;
  private final double fieldR;
  private final SoftEllipse disc;

  /**
   * @param cx centre of the circular field
   * @param cy centre of the circular field
   * @param fieldR radius of the circular field
   */
  FundusLesions(
      FundusRaster canvas,
      Random rng,
      char kind,
      double scale,
      double cx,
      double cy,
      double fieldR,
      SoftEllipse disc) {
    this.canvas = canvas;
    this.w = canvas.width;
    this.h = canvas.height;
    this.rng = rng;
    this.kind = kind;
    this.scale = scale;
    this.cx = cx;
    this.cy = cy;
    this.fieldR = fieldR;
    this.disc = disc;
  }

  private double uniform(double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  /** Paints the exudate clusters, sometimes disc-sized bright patches, then the haemorrhages. */
  void paint() {
    int clusters = kind == 'N' ? rng.nextInt(2) : kind == 'H' ? rng.nextInt(3) : 1 + rng.nextInt(4);
    for (int k = 0; k < clusters; k++) {
      double[] at = placeAwayFromDisc(8 * scale, 1.8);
      if (at != null) {
        exudateCluster(at[0], at[1]);
      }
    }
    double p = kind == 'N' ? 0.3 : kind == 'H' ? 0.45 : 0.65;
    if (rng.nextDouble() < p) {
      int count = rng.nextDouble() < 0.35 ? 2 : 1;
      for (int k = 0; k < count; k++) {
        largeDistractor();
      }
    }
    int bleeds = rng.nextInt(4);
    for (int k = 0; k < bleeds; k++) {
      double[] at = placeAwayFromDisc(4 * scale, 1.4);
      if (at != null) {
        double rad = uniform(1.5, 4) * scale;
        SoftEllipse e = new SoftEllipse(at[0], at[1], rad, rad * uniform(0.7, 1.3), 0, 0.1, rng);
        paintBlob(e, 0.3, uniform(0.5, 0.85), uniform(90, 130), uniform(15, 30), uniform(10, 25));
      }
    }
  }

  /** A random point in the field at least {@code factor} disc radii plus {@code margin} away. */
  private double[] placeAwayFromDisc(double margin, double factor) {
    double keepOut = factor * Math.max(disc.rx, disc.ry) + margin;
    for (int attempt = 0; attempt < 30; attempt++) {
      double angle = uniform(0, 2 * Math.PI);
      double radius = fieldR * 0.85 * Math.sqrt(rng.nextDouble());
      double x = cx + radius * StrictMath.cos(angle);
      double y = cy + radius * StrictMath.sin(angle);
      double dx = x - disc.cx;
      double dy = y - disc.cy;
      if (x > 2 && y > 2 && x < w - 2 && y < h - 2 && Math.sqrt(dx * dx + dy * dy) > keepOut) {
        return new double[] {x, y};
      }
    }
    return null;
  }

  private void exudateCluster(double x, double y) {
    double spread = uniform(4, 14) * scale;
    int spots = 3 + rng.nextInt(10);
    for (int s = 0; s < spots; s++) {
      double px = x + rng.nextGaussian() * spread;
      double py = y + rng.nextGaussian() * spread;
      double rad = uniform(0.7, 2.8) * scale;
      SoftEllipse e = new SoftEllipse(px, py, rad, rad, 0, 0.0, rng);
      paintBlob(e, 0.35, uniform(0.6, 1.0), uniform(235, 255), uniform(210, 245), uniform(80, 150));
    }
  }

  /** A bright patch about the size of the disc, but without cup or converging vessels. */
  private void largeDistractor() {
    double rd = Math.sqrt(disc.rx * disc.ry);
    double rad = uniform(0.5, 1.0) * rd;
    double[] at = placeAwayFromDisc(rad, 2.3);
    if (at == null) {
      return;
    }
    double dx = at[0] - cx;
    double dy = at[1] - cy;
    if (Math.sqrt(dx * dx + dy * dy) > 0.85 * fieldR - rad) {
      return;
    }
    double ratio = uniform(0.75, 1.3);
    SoftEllipse e = new SoftEllipse(at[0], at[1], rad, rad * ratio, uniform(0, Math.PI), 0.08, rng);
    paintBlob(
        e,
        uniform(0.1, 0.35),
        uniform(0.45, 0.85),
        uniform(235, 255),
        uniform(185, 235),
        uniform(110, 190));
  }

  private void paintBlob(
      SoftEllipse e, double soft, double strength, double r, double g, double b) {
    int[] box = e.bounds(1 + soft + 0.2, w, h);
    for (int y = box[1]; y <= box[3]; y++) {
      for (int x = box[0]; x <= box[2]; x++) {
        double a =
            strength * FundusRaster.falloff(e.distance(x + 0.5, y + 0.5), 1 - soft, 1 + soft);
        if (a > 0) {
          canvas.blend(y * w + x, (float) a, (float) r, (float) g, (float) b);
        }
      }
    }
  }
}
