package org.distill4j.viz;

import ai.djl.ndarray.NDManager;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.models.SegmentationModel;

/**
 * Side-by-side pictures of what models predict on labelled images: the image, its ground truth,
 * then each model's prediction, all blended over the image at the label's resolution (the
 * resolution PaddleSeg evaluates at), so a reader sees where a model misses the disc.
 */
public final class PredictionPanel {
  /** Small images are enlarged until they are at least this tall. */
  private static final int MIN_HEIGHT = 160;

  private static final double OPACITY = 0.5;

  private PredictionPanel() {}

  /**
   * One row for sample {@code index} of {@code dataset}: image | ground truth | one panel per
   * model, captioned with the map's keys.
   *
   * @param dataset a dataset with labels (val, or train without random transforms)
   */
  public static BufferedImage row(
      SegDataset dataset, int index, Map<String, SegmentationModel> models) {
    // Evaluation transforms are deterministic; the Random only satisfies the interface.
    Sample sample = dataset.get(index, new Random(index));
    if (!sample.hasLabel()) {
      throw new IllegalArgumentException(
          "sample " + index + " of the " + dataset.mode() + " set has no label");
    }
    int h = sample.labelHeight;
    int w = sample.labelWidth;
    Map<String, int[]> masks = new LinkedHashMap<>();
    masks.put("ground truth", sample.label);
    for (Map.Entry<String, SegmentationModel> e : models.entrySet()) {
      SegmentationModel model = e.getValue();
      try (NDManager step = model.manager().newSubManager()) {
        masks.put(e.getKey(), SegEvaluator.predict(model, sample, step, h, w));
      }
    }
    BufferedImage image = resized(read(dataset.imagePath(index)), w, h);
    int factor = Math.max(1, (MIN_HEIGHT + h - 1) / h);
    return Images.overlayRow(image, masks, OPACITY, factor);
  }

  /** Rows for the first {@code count} samples of {@code dataset}, one below the other. */
  public static BufferedImage rows(
      SegDataset dataset, int count, Map<String, SegmentationModel> models) {
    List<BufferedImage> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(count, dataset.size()); i++) {
      rows.add(row(dataset, i, models));
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the " + dataset.mode() + " set is empty");
    }
    return Images.vstack(rows, 6);
  }

  private static BufferedImage read(Path file) {
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new IllegalArgumentException("cannot decode image " + file);
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + file, e);
    }
  }

  /** The image at the label's size (they differ only for datasets with resized labels). */
  private static BufferedImage resized(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
