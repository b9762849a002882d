package org.distill4j.cli;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigMap;
import org.distill4j.config.ResolvedConfig;
import org.distill4j.config.SegConfig;
import org.distill4j.data.Compose;
import org.distill4j.data.Sample;
import org.distill4j.eval.SegEvaluator;
import org.distill4j.models.SegmentationModel;
import org.distill4j.viz.Images;

/**
 * {@code predict}: for each image, the class-index mask at the image's own size (a palette PNG in
 * {@code pseudo_color_prediction/}) and a coloured overlay (in {@code added_prediction/}), as
 * PaddleSeg's predict writes them.
 */
final class PredictCommand implements Main.Command {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp");

  @Override
  public String summary() {
    return "predict masks (--config FILE --model_path DIR --image_path FILE|DIR --save_dir DIR)";
  }

  @Override
  public int run(String[] argv) throws IOException {
    Args args =
        Args.parse(
            "predict", argv, Set.of(), Set.of("config", "model_path", "image_path", "save_dir"));
    ResolvedConfig config = ConfigFlags.load(args, "config");
    SegConfig seg = new SegConfig(config.root());
    List<Path> images = listImages(args.path("image_path"));
    Path saveDir = Path.of(args.get("save_dir", "output/result"));
    ConfigMap val =
        seg.valDataset()
            .orElseThrow(
                () ->
                    new ConfigException(
                        config.source()
                            + ": val_dataset: missing; predict uses its transforms to prepare images"));
    Compose transforms = Compose.fromConfig(val.optMapList("transforms"), "val");
    Path maskDir = saveDir.resolve("pseudo_color_prediction");
    Path overlayDir = saveDir.resolve("added_prediction");
    Files.createDirectories(maskDir);
    Files.createDirectories(overlayDir);
    try (NDManager manager = NDManager.newBaseManager()) {
      SegmentationModel model = ModelLoading.build(seg, args.path("model_path"), manager);
      for (Path image : images) {
        Sample sample = transforms.load(image, null, new Random(0));
        int h = sample.originalHeight;
        int w = sample.originalWidth;
        int[] mask;
        try (NDManager step = manager.newSubManager()) {
          mask = SegEvaluator.predict(model, sample, step, h, w);
        }
        String stem = stem(image);
        ImageIO.write(
            Images.indexedMask(mask, h, w), "png", maskDir.resolve(stem + ".png").toFile());
        BufferedImage original = ImageIO.read(image.toFile());
        ImageIO.write(
            Images.overlay(toRgb(original), mask, 0.5),
            "jpg",
            overlayDir.resolve(stem + ".jpg").toFile());
        System.out.printf(
            Locale.ROOT, "[PREDICT] %s -> %s%n", image, maskDir.resolve(stem + ".png"));
      }
    }
    System.out.printf(Locale.ROOT, "[PREDICT] %d images written to %s%n", images.size(), saveDir);
    return Main.OK;
  }

  static List<Path> listImages(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new ConfigException(
          "--image_path: " + path + " does not exist; give an image file or a directory of images");
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(path)) {
      files.filter(p -> EXTENSIONS.contains(extension(p))).sorted().forEach(out::add);
    }
    if (out.isEmpty()) {
      throw new ConfigException(
          "--image_path: "
              + path
              + " holds no image files ("
              + String.join(", ", EXTENSIONS)
              + ")");
    }
    return out;
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? n : n.substring(0, dot);
  }

  private static BufferedImage toRgb(BufferedImage img) {
    BufferedImage rgb =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(img, 0, 0, null);
    return rgb;
  }
}
