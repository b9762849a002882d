package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.models.SegmentationModel;
import org.distill4j.train.TrainingSetup;
import org.distill4j.tutorial.Tutorial;
import org.distill4j.tutorial.TutorialScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image / ground truth / prediction rows on the smoke-scale synthetic set with a fresh student. */
class PredictionPanelTest {
  @TempDir Path tmp;

  private static final int GREY = 0x808080;

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  private static int blended(int colour) {
    double t = PredictionPanel.ERROR_OPACITY;
    int r = (int) Math.round(0x80 * (1 - t) + ((colour >> 16) & 255) * t);
    int g = (int) Math.round(0x80 * (1 - t) + ((colour >> 8) & 255) * t);
    int b = (int) Math.round(0x80 * (1 - t) + (colour & 255) * t);
    return (r << 16) | (g << 8) | b;
  }

  private static boolean contains(BufferedImage img, int y0, int colour) {
    for (int y = y0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if (rgb(img, x, y) == colour) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void predictionsShowFalsePositivesAndFalseNegativesInTheirOwnColoursWithALegend() {
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        image.setRGB(x, y, GREY);
      }
    }
    // Truth: the left half is disc, the bottom-right pixel is ignored. Prediction: the top row.
    int[] truth = {1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 255};
    int[] prediction = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    BufferedImage panel = PredictionPanel.of(image, truth, Map.of("student", prediction));
    int factor = 40; // 4-pixel images are enlarged to 160 pixels
    int x0 = 2 * (4 * factor + 4);
    int y0 = 18;
    assertEquals(
        blended(ErrorOverlay.TRUE_POSITIVE), rgb(panel, x0 + factor / 2, y0 + factor / 2), "TP");
    assertEquals(blended(ErrorOverlay.FALSE_POSITIVE), rgb(panel, x0 + 3 * factor, y0 + 5), "FP");
    assertEquals(
        blended(ErrorOverlay.FALSE_NEGATIVE), rgb(panel, x0 + 5, y0 + 2 * factor + 5), "FN");
    assertEquals(GREY, rgb(panel, x0 + 3 * factor, y0 + 2 * factor), "background found");
    assertEquals(GREY, rgb(panel, x0 + 4 * factor - 1, y0 + 4 * factor - 1), "ignored pixel");
    // The three colours are distinct, and the legend below the panels shows each of them.
    assertEquals(
        3,
        Set.of(ErrorOverlay.TRUE_POSITIVE, ErrorOverlay.FALSE_POSITIVE, ErrorOverlay.FALSE_NEGATIVE)
            .size());
    int legendTop = y0 + 4 * factor;
    assertEquals(
        legendTop + PredictionPanel.LEGEND_GAP + ErrorOverlay.LEGEND_HEIGHT, panel.getHeight());
    assertTrue(contains(panel, legendTop, ErrorOverlay.TRUE_POSITIVE), "legend: true positive");
    assertTrue(contains(panel, legendTop, ErrorOverlay.FALSE_POSITIVE), "legend: false positive");
    assertTrue(contains(panel, legendTop, ErrorOverlay.FALSE_NEGATIVE), "legend: false negative");
    assertTrue(contains(panel, legendTop, 0x000000), "legend text");
    assertFalse(
        contains(panel, legendTop, ErrorOverlay.WRONG_CLASS), "two classes: no wrong class");
    // Disc predicted as another foreground class gets its own colour and legend entry.
    int[] threeClasses = truth.clone();
    threeClasses[0] = 2;
    BufferedImage wrong = PredictionPanel.of(image, threeClasses, Map.of("m", prediction));
    assertEquals(blended(ErrorOverlay.WRONG_CLASS), rgb(wrong, x0 + 5, y0 + 5));
    assertTrue(contains(wrong, legendTop, ErrorOverlay.WRONG_CLASS));
    assertEquals(
        legendTop - 0, PredictionPanel.of(image, truth, Map.of()).getHeight(), "no legend");
  }

  @Test
  void rowShowsImageTruthAndEachModelAtLabelResolution() throws Exception {
    Tutorial tutorial =
        Tutorial.builder()
            .optScale(TutorialScale.SMOKE)
            .optOutputDir(tmp.resolve("out"))
            .optDataRoot(tmp.resolve("data"))
            .build();
    tutorial.ensureData();
    try (TrainingSetup setup = TrainingSetup.fromConfig(tutorial.config("student"), 0)) {
      SegDataset val = setup.valDataset().orElseThrow();
      SegmentationModel model = setup.model();
      Map<String, SegmentationModel> models = new LinkedHashMap<>();
      models.put("student", model);
      models.put("again", model);
      BufferedImage row = PredictionPanel.row(val, 0, models);

      Sample sample = val.get(0, new Random(0));
      int h = sample.labelHeight;
      int w = sample.labelWidth;
      int factor = Math.max(1, (160 + h - 1) / h);
      int panel = w * factor;
      // image, ground truth, two models: four panels with 4-pixel gaps under an 18-pixel caption.
      int legend = PredictionPanel.LEGEND_GAP + ErrorOverlay.LEGEND_HEIGHT;
      assertEquals(4 * panel + 3 * 4, row.getWidth());
      assertEquals(h * factor + 18 + legend, row.getHeight());

      // The ground-truth panel is the image file blended with the label's class colours.
      BufferedImage image = ImageIO.read(val.imagePath(0).toFile());
      int disc = -1;
      for (int i = 0; i < sample.label.length && disc < 0; i++) {
        if (sample.label[i] == 1) {
          disc = i;
        }
      }
      assertTrue(disc >= 0, "the first validation image shows a disc");
      int x = disc % w;
      int y = disc / w;
      int expected = Images.overlay(image, sample.label, 0.5).getRGB(x, y) & 0xFFFFFF;
      int gx = panel + 4 + x * factor;
      assertEquals(expected, row.getRGB(gx, 18 + y * factor) & 0xFFFFFF);
      // The same model twice draws the same prediction.
      for (int py = 18; py < h * factor + 18; py += 7) {
        for (int px = 0; px < panel; px += 7) {
          assertEquals(row.getRGB(2 * (panel + 4) + px, py), row.getRGB(3 * (panel + 4) + px, py));
        }
      }
      BufferedImage rows = PredictionPanel.rows(val, 2, Map.of("student", model));
      assertEquals(2 * (h * factor + 18) + 6 + legend, rows.getHeight());
      assertEquals(
          2 * (h * factor + 18) + 6,
          PredictionPanel.rows(val, 2, Map.of()).getHeight(),
          "no models, no legend");
    }
  }
}
