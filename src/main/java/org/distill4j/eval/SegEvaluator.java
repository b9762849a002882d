package org.distill4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import java.util.function.IntConsumer;
import org.distill4j.data.Sample;
import org.distill4j.data.SegDataset;
import org.distill4j.engine.EngineCompat;
import org.distill4j.models.SegmentationModel;

/**
 * Whole-image evaluation as PaddleSeg does it: one image at a time, the logits resized bilinearly
 * back to the label's own size, then the argmax, pooled into one confusion matrix over the set.
 */
public final class SegEvaluator {
  private SegEvaluator() {}

  /** Evaluates {@code model} on every sample of {@code dataset}. */
  public static SegMetrics evaluate(SegmentationModel model, SegDataset dataset) {
    return evaluate(model, dataset, null);
  }

  /**
   * Evaluates {@code model} on every sample of {@code dataset}, reporting the number of images done
   * to {@code progress} (may be null).
   */
  public static SegMetrics evaluate(
      SegmentationModel model, SegDataset dataset, IntConsumer progress) {
    ConfusionMatrix matrix = new ConfusionMatrix(model.numClasses(), dataset.ignoreIndex());
    NDManager base = model.manager();
    for (int i = 0; i < dataset.size(); i++) {
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
      // Evaluation transforms are deterministic; the Random only satisfies the interface.
      Sample sample = dataset.get(i, new Random(i));
      try (NDManager step = base.newSubManager()) {
        int[] pred = predict(model, sample, step, sample.labelHeight, sample.labelWidth);
        matrix.add(pred, sample.label);
      }
      if (progress != null) {
        progress.accept(i + 1);
      }
    }
    return matrix.compute();
  }

  /**
   * Runs inference on one transformed sample and returns the class index of every pixel at the
   * requested output size (row-major).
   */
  public static int[] predict(
      SegmentationModel model, Sample sample, NDManager manager, int outHeight, int outWidth) {
    NDArray x =
        manager.create(sample.image, new Shape(1, sample.channels, sample.height, sample.width));
    NDArray logits = inferLogits(model, x);
    if (logits.getShape().get(2) != outHeight || logits.getShape().get(3) != outWidth) {
      logits = EngineCompat.resizeBilinear(logits, outHeight, outWidth, model.alignCorners());
    }
    NDArray argmax = logits.argMax(1).toType(DataType.INT32, false);
    return argmax.toIntArray();
  }

  /** The first logit of an inference forward (BatchNorm on running statistics, no dropout). */
  public static NDArray inferLogits(SegmentationModel model, NDArray images) {
    NDList out =
        model
            .block()
            .forward(new ParameterStore(images.getManager(), false), new NDList(images), false);
    return out.get(0);
  }
}
