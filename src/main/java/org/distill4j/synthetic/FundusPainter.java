package org.distill4j.synthetic;

import java.util.Random;

/**
 * Paints one synthetic fundus photograph and its optic-disc mask. The scene, back to front: a
 * reddish-orange textured background with an illumination gradient, the darker macula, sometimes a
 * pale peripapillary crescent, the bright yellowish disc (a wobbly ellipse with a soft edge; the
 * label is the region where its soft mask reaches 0.5), a brighter cup inside it, bright
 * exudate-like distractors (some about disc-sized) and small haemorrhages, branching vessel trees
 * that leave the disc, then vignetting, the circular field stop, blur and sensor noise. All
 * randomness comes from one {@code Random}, so an image is a pure function of its seed.
 */
final class FundusPainter {
  /** The painted image as interleaved RGB bytes and the disc mask as 0/1 bytes. */
  record Painting(byte[] rgb, byte[] label) {}

  private final int w;
  private final int h;
  private final Random rng;
  private final char kind;
  private final FundusRaster canvas;
  private final double scale;
  private double cx;
  private double cy;
  private double fieldR;
  private int side;
  private SoftEllipse disc;
  private final float[] discMask;

  FundusPainter(int width, int height, Random rng, char kind) {
    this.w = width;
    this.h = height;
    this.rng = rng;
    this.kind = kind;
    this.canvas = new FundusRaster(width, height);
    this.scale = Math.min(width, height) / 224.0;
    this.discMask = new float[width * height];
  }

  Painting paint() {
    layout();
    background();
    macula();
    atrophy();
    paintDisc();
    cup();
    new FundusLesions(canvas, rng, kind, scale, cx, cy, fieldR, disc).paint();
    vessels();
    lighting();
    float[] inside = fieldStop();
    canvas.blur(uniform(0.5, 1.2) * scale);
    return finish(inside);
  }

  private double uniform(double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  private void layout() {
    fieldR = 0.5 * Math.min(w, h) * uniform(0.96, 1.12);
    cx = w / 2.0 + rng.nextGaussian() * 0.015 * w;
    cy = h / 2.0 + rng.nextGaussian() * 0.015 * h;
    side = rng.nextBoolean() ? 1 : -1;
    double rd = uniform(0.06, 0.14) * 2 * fieldR;
    double rx = rd * uniform(0.88, 1.04);
    double ry = rd * uniform(0.98, 1.14);
    double ox = side * uniform(0.15, 0.5) * fieldR;
    double oy = uniform(-0.3, 0.3) * fieldR;
    double reach = Math.sqrt(ox * ox + oy * oy);
    double limit = 0.9 * fieldR - 1.3 * Math.max(rx, ry);
    if (reach > limit) {
      ox *= Math.max(0, limit) / reach;
      oy *= Math.max(0, limit) / reach;
    }
    double dx = clamp(cx + ox, 1.3 * rx, w - 1.3 * rx);
    double dy = clamp(cy + oy, 1.3 * ry, h - 1.3 * ry);
    disc = new SoftEllipse(dx, dy, rx, ry, uniform(-0.35, 0.35), 0.045, rng);
  }

  private static double clamp(double v, double lo, double hi) {
    return lo > hi ? (lo + hi) / 2 : Math.max(lo, Math.min(hi, v));
  }

  private void background() {
    double br = uniform(165, 215);
    double bg = br * uniform(0.30, 0.48);
    double bb = br * uniform(0.07, 0.18);
    float[] coarse = FundusRaster.valueNoise(w, h, 36 * scale, rng);
    float[] fine = FundusRaster.valueNoise(w, h, 10 * scale, rng);
    float[] tint = FundusRaster.valueNoise(w, h, 48 * scale, rng);
    double coarseAmp = uniform(0.04, 0.10);
    double fineAmp = uniform(0.01, 0.04);
    double tintAmp = uniform(0.03, 0.10);
    double slope = uniform(0, 0.22);
    double theta = uniform(0, 2 * Math.PI);
    double gx = StrictMath.cos(theta) * slope / fieldR;
    double gy = StrictMath.sin(theta) * slope / fieldR;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        double f = 1 + coarseAmp * coarse[i] + fineAmp * fine[i] + gx * (x - cx) + gy * (y - cy);
        canvas.r[i] = (float) (br * f);
        canvas.g[i] = (float) (bg * f * (1 + tintAmp * tint[i]));
        canvas.b[i] = (float) (bb * f);
      }
    }
  }

  private void macula() {
    double mx = cx - side * uniform(0, 0.15) * fieldR;
    double my = disc.cy + uniform(-0.08, 0.08) * fieldR;
    double radius = uniform(0.13, 0.22) * fieldR;
    double depth = uniform(0.12, 0.3);
    LookupTable dip = new LookupTable(0, 9, q -> 1 - depth * StrictMath.exp(-q));
    float[] factor = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x + 0.5 - mx;
        double dy = y + 0.5 - my;
        double q = (dx * dx + dy * dy) / (2 * radius * radius);
        factor[y * w + x] = q >= 9 ? 1f : dip.at(q);
      }
    }
    canvas.multiply(factor);
  }

  /** A pale crescent beside the disc on the macular side (peripapillary atrophy); not labelled. */
  private void atrophy() {
    double p = kind == 'N' ? 0.15 : kind == 'H' ? 0.6 : 0.7;
    if (rng.nextDouble() >= p) {
      return;
    }
    double width = uniform(0.2, 0.55);
    double halfAngle = uniform(0.5, 1.3);
    double centre = (side > 0 ? Math.PI : 0) + rng.nextGaussian() * 0.3;
    float cr = (float) uniform(210, 240);
    float cg = (float) uniform(175, 210);
    float cb = (float) uniform(120, 165);
    double strength = uniform(0.35, 0.7);
    int[] box = disc.bounds(1 + width + 0.2, w, h);
    for (int y = box[1]; y <= box[3]; y++) {
      for (int x = box[0]; x <= box[2]; x++) {
        double dn = disc.distance(x + 0.5, y + 0.5);
        double angle = StrictMath.atan2(y + 0.5 - disc.cy, x + 0.5 - disc.cx);
        double diff = Math.abs(Math.IEEEremainder(angle - centre, 2 * Math.PI));
        double a =
            strength
                * FundusRaster.falloff(dn, 1 + 0.8 * width, 1 + width)
                * FundusRaster.falloff(diff, 0.7 * halfAngle, halfAngle);
        if (a > 0) {
          canvas.blend(y * w + x, (float) a, cr, cg, cb);
        }
      }
    }
  }

  private void paintDisc() {
    float cr = (float) uniform(235, 255);
    float cg = (float) uniform(165, 225);
    float cb = (float) uniform(85, 160);
    double opacity = uniform(0.55, 0.95);
    double soft = uniform(0.06, 0.18);
    int[] box = disc.bounds(1 + soft + 0.2, w, h);
    for (int y = box[1]; y <= box[3]; y++) {
      for (int x = box[0]; x <= box[2]; x++) {
        double dn = disc.distance(x + 0.5, y + 0.5);
        float m = FundusRaster.falloff(dn, 1 - soft, 1 + soft);
        if (m <= 0) {
          continue;
        }
        int i = y * w + x;
        discMask[i] = m;
        // Discs are paler on the temporal side and brighter towards the middle.
        double gain = (1 - 0.08 * side * (x + 0.5 - disc.cx) / disc.rx) * (1 + 0.06 * (1 - dn));
        canvas.blend(i, (float) (opacity * m), (float) (cr * gain), (float) (cg * gain), cb);
      }
    }
  }

  private void cup() {
    double ratio = uniform(0.3, 0.6);
    double ox = disc.cx - side * uniform(0, 0.25) * disc.rx;
    double oy = disc.cy + uniform(-0.1, 0.1) * disc.ry;
    SoftEllipse c =
        new SoftEllipse(
            ox, oy, disc.rx * ratio, disc.ry * ratio * uniform(0.95, 1.1), disc.angle, 0.03, rng);
    float cr = (float) uniform(248, 255);
    float cg = (float) uniform(225, 250);
    float cb = (float) uniform(180, 225);
    double strength = uniform(0.45, 0.85);
    double soft = uniform(0.15, 0.4);
    int[] box = c.bounds(1 + soft + 0.1, w, h);
    for (int y = box[1]; y <= box[3]; y++) {
      for (int x = box[0]; x <= box[2]; x++) {
        int i = y * w + x;
        double a =
            strength * FundusRaster.falloff(c.distance(x + 0.5, y + 0.5), 1 - soft, 1 + soft);
        if (a > 0) {
          canvas.blend(i, (float) a * discMask[i], cr, cg, cb);
        }
      }
    }
  }

  private void vessels() {
    VesselTree veins = new VesselTree(rng, scale, cx, cy, fieldR);
    VesselTree arteries = new VesselTree(rng, scale, cx, cy, fieldR);
    double step = 2.5 * scale;
    for (int arcade = -1; arcade <= 1; arcade += 2) {
      // arcade -1 runs upwards, +1 downwards; both bend towards the macula.
      for (VesselTree tree : new VesselTree[] {veins, arteries}) {
        boolean vein = tree == veins;
        double heading = arcade * Math.PI / 2 + arcade * side * uniform(0.15, 0.45);
        double bend = arcade * side * uniform(0.006, 0.016);
        double width = (vein ? uniform(2.6, 3.4) : uniform(1.9, 2.5)) * scale;
        tree.grow(trunk(heading, width, bend, (int) (uniform(1.3, 1.9) * fieldR / step)));
      }
    }
    int nasal = 1 + rng.nextInt(3);
    for (int k = 0; k < nasal; k++) {
      double heading = (side > 0 ? 0 : Math.PI) + uniform(-0.9, 0.9);
      VesselTree tree = rng.nextBoolean() ? veins : arteries;
      tree.grow(
          trunk(
              heading,
              uniform(1.4, 2.2) * scale,
              rng.nextGaussian() * 0.01,
              (int) (uniform(0.5, 0.9) * fieldR / step)));
    }
    int temporal = 1 + rng.nextInt(2);
    for (int k = 0; k < temporal; k++) {
      double heading = (side > 0 ? Math.PI : 0) + uniform(-0.4, 0.4);
      arteries.grow(
          trunk(
              heading,
              uniform(1.0, 1.6) * scale,
              rng.nextGaussian() * 0.01,
              (int) (uniform(0.3, 0.6) * fieldR / step)));
    }
    float[] vein = new float[w * h];
    float[] artery = new float[w * h];
    veins.rasterize(vein, w, h);
    arteries.rasterize(artery, w, h);
    for (int i = 0; i < w * h; i++) {
      canvas.r[i] *= (1 - 0.5f * vein[i]) * (1 - 0.32f * artery[i]);
      canvas.g[i] *= (1 - 0.72f * vein[i]) * (1 - 0.5f * artery[i]);
      canvas.b[i] *= (1 - 0.65f * vein[i]) * (1 - 0.45f * artery[i]);
    }
  }

  private VesselTree.Seed trunk(double heading, double width, double bend, int steps) {
    double x = disc.cx + rng.nextGaussian() * 0.15 * disc.rx;
    double y = disc.cy + rng.nextGaussian() * 0.15 * disc.ry;
    return new VesselTree.Seed(x, y, heading, width, bend, steps);
  }

  /** Vignetting, overall exposure and a colour cast. */
  private void lighting() {
    double amount = uniform(0.25, 0.6);
    double power = uniform(1.6, 3.0);
    double gain = uniform(0.68, 1.15);
    float tr = (float) uniform(0.95, 1.05);
    float tg = (float) uniform(0.9, 1.1);
    float tb = (float) uniform(0.85, 1.15);
    LookupTable falloff =
        new LookupTable(0, 1.2, rho -> gain * (1 - amount * StrictMath.pow(rho, power)));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        double rho = Math.min(1.2, Math.sqrt(dx * dx + dy * dy) / fieldR);
        float f = falloff.at(rho);
        int i = y * w + x;
        canvas.r[i] *= f * tr;
        canvas.g[i] *= f * tg;
        canvas.b[i] *= f * tb;
      }
    }
  }

  /** Darkens everything outside the circular field; returns how much each pixel is inside. */
  private float[] fieldStop() {
    float dark = (float) uniform(0, 5);
    float[] inside = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        float in = FundusRaster.falloff(Math.sqrt(dx * dx + dy * dy), fieldR - 1, fieldR + 1);
        int i = y * w + x;
        inside[i] = in;
        canvas.blend(i, 1 - in, dark, dark, dark);
      }
    }
    return inside;
  }

  private Painting finish(float[] inside) {
    double sigma = uniform(1.5, 4.5);
    double lumaSigma = uniform(0, 2);
    // Per-pixel noise uses a fast generator seeded from the image's rng: Random.nextGaussian per
    // pixel would dominate the painting time.
    long state = rng.nextLong();
    byte[] rgb = new byte[w * h * 3];
    byte[] label = new byte[w * h];
    for (int i = 0; i < w * h; i++) {
      double weight = 0.25 + 0.75 * inside[i];
      state += 0x9E3779B97F4A7C15L;
      double shared = FundusRaster.approxGaussian(state) * lumaSigma;
      state += 0x9E3779B97F4A7C15L;
      double nr = FundusRaster.approxGaussian(state) * sigma;
      state += 0x9E3779B97F4A7C15L;
      double ng = FundusRaster.approxGaussian(state) * sigma;
      state += 0x9E3779B97F4A7C15L;
      double nb = FundusRaster.approxGaussian(state) * sigma;
      rgb[i * 3] = toByte(canvas.r[i] + weight * (shared + nr));
      rgb[i * 3 + 1] = toByte(canvas.g[i] + weight * (shared + ng));
      rgb[i * 3 + 2] = toByte(canvas.b[i] + weight * (shared + nb));
      label[i] = (byte) (discMask[i] >= 0.5f && inside[i] >= 0.5f ? 1 : 0);
    }
    return new Painting(rgb, label);
  }

  private static byte toByte(double v) {
    return (byte) (int) Math.max(0, Math.min(255, Math.rint(v)));
  }
}
