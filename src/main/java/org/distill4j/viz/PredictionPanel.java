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
 * Side-by-side pictures of what models predict on labelled images: the image, its ground truth in
 * the class colours, then each model's prediction drawn against the truth (true positives green,
 * false positives magenta, false negatives cyan) with a legend below, all at the label's resolution
 * (the resolution PaddleSeg evaluates at), so a reader sees where a model misses the disc and where
 * it sees one that is not there.
 */
public final class PredictionPanel {
  /** Small images are enlarged until they are at least this tall. */
  private static final int MIN_HEIGHT = 160;

  private static final double OPACITY = 0.5;

  /** Error colours are drawn a little stronger than the truth so thin misses stay visible. */
  static final double ERROR_OPACITY = 0.6;

  private PredictionPanel() {}

  /**
   * One row for sample {@code index} of {@code dataset}: image | ground truth | one panel per
   * model, captioned with the map's keys, and the colour legend below when there are models.
   *
   * @param dataset a dataset with labels (val, or train without random transforms)
   */
  public static BufferedImage row(
      SegDataset dataset, int index, Map<String, SegmentationModel> models) {
    Predicted p = predict(dataset, index, models);
    return withLegend(p.panels(), p.predictions, p.truth);
  }

  /**
   * Rows for the first {@code count} samples of {@code dataset}, one below the other, with one
   * colour legend at the bottom when there are models.
   */
  public static BufferedImage rows(
      SegDataset dataset, int count, Map<String, SegmentationModel> models) {
    List<BufferedImage> rows = new ArrayList<>();
    boolean wrongClass = false;
    for (int i = 0; i < Math.min(count, dataset.size()); i++) {
      Predicted p = predict(dataset, i, models);
      rows.add(p.panels());
      for (int[] prediction : p.predictions.values()) {
        wrongClass |= ErrorOverlay.anyWrongClass(p.truth, prediction);
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the " + dataset.mode() + " set is empty");
    }
    BufferedImage stacked = Images.vstack(rows, 6);
    if (models.isEmpty()) {
      return stacked;
    }
    return Images.vstack(
        List.of(stacked, ErrorOverlay.legend(stacked.getWidth(), wrongClass)), LEGEND_GAP);
  }

  /**
   * The same row from masks a caller already has: image | ground truth | each prediction against
   * the truth, and the legend below when there are predictions. Masks are row-major class indices
   * of the image's size; 255 in the truth is ignored.
   */
  public static BufferedImage of(BufferedImage image, int[] truth, Map<String, int[]> predictions) {
    return withLegend(
        panels(image, truth, predictions, factor(image.getHeight())), predictions, truth);
  }

  static final int LEGEND_GAP = 2;

  private static BufferedImage withLegend(
      BufferedImage panels, Map<String, int[]> predictions, int[] truth) {
    if (predictions.isEmpty()) {
      return panels;
    }
    boolean wrongClass =
        predictions.values().stream().anyMatch(p -> ErrorOverlay.anyWrongClass(truth, p));
    return Images.vstack(
        List.of(panels, ErrorOverlay.legend(panels.getWidth(), wrongClass)), LEGEND_GAP);
  }

  /** The captioned panels of one sample, without a legend. */
  static BufferedImage panels(
      BufferedImage image, int[] truth, Map<String, int[]> predictions, int factor) {
    List<BufferedImage> panels = new ArrayList<>();
    panels.add(Images.titled(Images.scale(image, factor), "image"));
    panels.add(
        Images.titled(Images.scale(Images.overlay(image, truth, OPACITY), factor), "ground truth"));
    for (Map.Entry<String, int[]> e : predictions.entrySet()) {
      BufferedImage errors = ErrorOverlay.draw(image, truth, e.getValue(), ERROR_OPACITY);
      panels.add(Images.titled(Images.scale(errors, factor), e.getKey()));
    }
    return Images.hstack(panels, 4);
  }

  static int factor(int height) {
    return Math.max(1, (MIN_HEIGHT + height - 1) / height);
  }

  /** One sample's image at the label's size, its truth and each model's prediction. */
  private record Predicted(BufferedImage image, int[] truth, Map<String, int[]> predictions) {
    BufferedImage panels() {
      return PredictionPanel.panels(image, truth, predictions, factor(image.getHeight()));
    }
  }

  private static Predicted predict(
      SegDataset dataset, int index, Map<String, SegmentationModel> models) {
    // Evaluation transforms are deterministic; the Random only satisfies the interface.
    Sample sample = dataset.get(index, new Random(index));
    if (!sample.hasLabel()) {
      throw new IllegalArgumentException(
          "sample " + index + " of the " + dataset.mode() + " set has no label");
    }
    int h = sample.labelHeight;
    int w = sample.labelWidth;
    Map<String, int[]> predictions = new LinkedHashMap<>();
    for (Map.Entry<String, SegmentationModel> e : models.entrySet()) {
      SegmentationModel model = e.getValue();
      try (NDManager step = model.manager().newSubManager()) {
        predictions.put(e.getKey(), SegEvaluator.predict(model, sample, step, h, w));
      }
    }
    return new Predicted(resized(read(dataset.imagePath(index)), w, h), sample.label, predictions);
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
