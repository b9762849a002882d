package org.distill4j.synthetic;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.distill4j.data.Seeds;

/**
 * Writes a synthetic optic-disc segmentation set in the layout of PaddleSeg's optic_disc_seg:
 * {@code JPEGImages/<name>.jpg}, {@code Annotations/<name>.png} (palette PNG, 0 = background, 1 =
 * disc) and {@code train_list.txt}, {@code val_list.txt}, {@code test_list.txt}. Names mix the
 * prefixes H, N and P with a 4-digit running number, and the prefix changes how much pathology
 * (distractors) an image has. Every image is seeded from (seed, index), so the same seed always
 * gives the same bytes.
 */
public final class SyntheticFundusGenerator {
  private static final float JPEG_QUALITY = 0.92f;

  private final int train;
  private final int val;
  private final int test;
  private final long seed;
  private final int width;
  private final int height;

  private SyntheticFundusGenerator(Builder b) {
    this.train = b.train;
    this.val = b.val;
    this.test = b.test;
    this.seed = b.seed;
    this.width = b.width;
    this.height = b.height;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int total() {
    return train + val + test;
  }

  /** The sample with global index {@code index} (train first, then val, then test). */
  public FundusSample render(int index) {
    if (index < 0 || index >= total()) {
      throw new IndexOutOfBoundsException("index " + index + " of " + total());
    }
    Random rng = new Random(Seeds.mix(seed, 0xF0D5L, index));
    double u = rng.nextDouble();
    char kind = u < 0.4 ? 'N' : u < 0.7 ? 'H' : 'P';
    String name = String.format(Locale.ROOT, "%c%04d", kind, index + 1);
    FundusPainter.Painting p = new FundusPainter(width, height, rng, kind).paint();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < width * height; i++) {
      bgr[i * 3] = p.rgb()[i * 3 + 2];
      bgr[i * 3 + 1] = p.rgb()[i * 3 + 1];
      bgr[i * 3 + 2] = p.rgb()[i * 3];
    }
    BufferedImage label =
        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette());
    byte[] indices = ((DataBufferByte) label.getRaster().getDataBuffer()).getData();
    System.arraycopy(p.label(), 0, indices, 0, indices.length);
    return new FundusSample(name, image, label);
  }

  /**
   * Writes the whole set under {@code root} (created if needed; existing files of the same names
   * are replaced).
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public void generate(Path root) {
    try {
      Files.createDirectories(root.resolve("JPEGImages"));
      Files.createDirectories(root.resolve("Annotations"));
      StringBuilder[] lists = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
      for (int i = 0; i < total(); i++) {
        FundusSample s = render(i);
        String jpg = "JPEGImages/" + s.name + ".jpg";
        String png = "Annotations/" + s.name + ".png";
        Files.write(root.resolve(jpg), encodeJpeg(s.image));
        Files.write(root.resolve(png), encodePng(s.label));
        int split = i < train ? 0 : i < train + val ? 1 : 2;
        lists[split].append(jpg).append(' ').append(png).append('\n');
      }
      String[] names = {"train_list.txt", "val_list.txt", "test_list.txt"};
      for (int k = 0; k < 3; k++) {
        Files.writeString(root.resolve(names[k]), lists[k], StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the synthetic dataset to " + root, e);
    }
  }

  private static byte[] encodeJpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static byte[] encodePng(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    }
    return bytes.toByteArray();
  }

  /** The PASCAL VOC colour map PaddleSeg uses for pseudo-colour labels: 0 black, 1 dark red. */
  public static IndexColorModel palette() {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int cr = 0;
      int cg = 0;
      int cb = 0;
      int id = i;
      for (int bit = 7; bit >= 0; bit--) {
        cr |= (id & 1) << bit;
        cg |= ((id >> 1) & 1) << bit;
        cb |= ((id >> 2) & 1) << bit;
        id >>= 3;
      }
      r[i] = (byte) cr;
      g[i] = (byte) cg;
      b[i] = (byte) cb;
    }
    return new IndexColorModel(8, 256, r, g, b);
  }

  /** Set sizes and image size; defaults match optic_disc_seg's 267/76/38 split at 256x224. */
  public static final class Builder {
    private int train = 267;
    private int val = 76;
    private int test = 38;
    private long seed;
    private int width = 256;
    private int height = 224;

    private Builder() {}

    public Builder optTrain(int count) {
      this.train = nonNegative(count, "train");
      return this;
    }

    public Builder optVal(int count) {
      this.val = nonNegative(count, "val");
      return this;
    }

    public Builder optTest(int count) {
      this.test = nonNegative(count, "test");
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optImageSize(int width, int height) {
      if (width < 32 || height < 32) {
        throw new IllegalArgumentException(
            "image size must be at least 32x32, got " + width + "x" + height);
      }
      this.width = width;
      this.height = height;
      return this;
    }

    private static int nonNegative(int count, String what) {
      if (count < 0) {
        throw new IllegalArgumentException(what + " count must be >= 0, got " + count);
      }
      return count;
    }

    public SyntheticFundusGenerator build() {
      return new SyntheticFundusGenerator(this);
    }
  }
}
