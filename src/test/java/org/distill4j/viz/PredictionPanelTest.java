package org.distill4j.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
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
      assertEquals(4 * panel + 3 * 4, row.getWidth());
      assertEquals(h * factor + 18, row.getHeight());

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
      for (int py = 18; py < row.getHeight(); py += 7) {
        for (int px = 0; px < panel; px += 7) {
          assertEquals(row.getRGB(2 * (panel + 4) + px, py), row.getRGB(3 * (panel + 4) + px, py));
        }
      }
      BufferedImage rows = PredictionPanel.rows(val, 2, Map.of("student", model));
      assertEquals(2 * (h * factor + 18) + 6, rows.getHeight());
    }
  }
}
