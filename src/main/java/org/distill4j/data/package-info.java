/**
 * Datasets and what feeds them to training: PaddleSeg's list-file datasets ({@code OpticDiscSeg}
 * and the generic list-file dataset, with {@code label_map}), image decoding as OpenCV does it, the
 * transforms of the {@code transforms:} lists, the data check before a run, the batch loader, and
 * the synthetic optic-disc generator behind {@code make-dataset}.
 *
 * <p>May depend on {@code config} and {@code io}; not on models or training.
 */
package org.distill4j.data;
