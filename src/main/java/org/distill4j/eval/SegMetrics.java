package org.distill4j.eval;

import java.util.Locale;

/**
 * PaddleSeg's segmentation metrics from per-class areas (intersection I, prediction P, label L):
 *
 * <ul>
 *   <li>{@code IoU_i = I/(P+L-I)}, 0 when the union is empty; {@code mIoU} is the plain mean over
 *       all classes, so an absent class counts as 0;
 *   <li>{@code Acc = sum(I)/sum(P)}, pixel accuracy over counted pixels;
 *   <li>{@code precision_i = I/P}, {@code recall_i = I/L} (0 when the denominator is 0);
 *   <li>{@code Kappa = (po-pe)/(1-pe)}, {@code po = sum(I)/sum(L)}, {@code pe =
 *       sum(P_i*L_i)/sum(L)^2}; 0 when nothing was counted, 1 when {@code pe = 1} (every pixel in
 *       one class, predicted as such), where PaddleSeg would print NaN;
 *   <li>{@code Dice_i = 2I/(P+L)} (0 when empty), {@code mDice} the mean.
 * </ul>
 */
public record SegMetrics(
    double miou,
    double acc,
    double kappa,
    double mdice,
    double[] classIou,
    double[] classPrecision,
    double[] classRecall,
    double[] classDice) {

  /** The metrics of the given per-class areas. */
  public static SegMetrics of(long[] intersect, long[] predArea, long[] labelArea) {
    int n = intersect.length;
    if (predArea.length != n || labelArea.length != n) {
      throw new IllegalArgumentException("area arrays differ in length");
    }
    double[] iou = new double[n];
    double[] precision = new double[n];
    double[] recall = new double[n];
    double[] dice = new double[n];
    double sumI = 0;
    double sumP = 0;
    double sumL = 0;
    double sumPL = 0;
    for (int i = 0; i < n; i++) {
      double in = intersect[i];
      double p = predArea[i];
      double l = labelArea[i];
      iou[i] = ratio(in, p + l - in);
      precision[i] = ratio(in, p);
      recall[i] = ratio(in, l);
      dice[i] = ratio(2 * in, p + l);
      sumI += in;
      sumP += p;
      sumL += l;
      sumPL += p * l;
    }
    return new SegMetrics(
        mean(iou),
        ratio(sumI, sumP),
        kappa(sumI, sumL, sumPL),
        mean(dice),
        iou,
        precision,
        recall,
        dice);
  }

  private static double kappa(double sumI, double sumL, double sumPL) {
    if (sumL == 0) {
      return 0;
    }
    double po = sumI / sumL;
    double pe = sumPL / (sumL * sumL);
    return pe == 1 ? 1 : (po - pe) / (1 - pe);
  }

  private static double ratio(double numerator, double denominator) {
    return denominator == 0 ? 0 : numerator / denominator;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? 0 : sum / values.length;
  }

  /**
   * PaddleSeg's evaluation log: {@code [EVAL] #Images: N mIoU: ... Acc: ... Kappa: ... Dice: ...}
   * followed by the per-class IoU, precision and recall rounded to 4 decimals.
   */
  public String format(int numImages) {
    return String.format(
            Locale.ROOT,
            "[EVAL] #Images: %d mIoU: %.4f Acc: %.4f Kappa: %.4f Dice: %.4f",
            numImages,
            miou,
            acc,
            kappa,
            mdice)
        + "\n[EVAL] Class IoU: \n"
        + formatArray(classIou)
        + "\n[EVAL] Class Precision: \n"
        + formatArray(classPrecision)
        + "\n[EVAL] Class Recall: \n"
        + formatArray(classRecall);
  }

  /** Values rounded to 4 decimals in brackets, e.g. {@code [0.9934 0.7512]}. */
  static String formatArray(double[] values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(String.format(Locale.ROOT, "%.4f", values[i]));
    }
    return out.append(']').toString();
  }
}
