/**
 * The dataset API that users, the trainer and the notebooks work with: a {@link
 * org.distill4j.data.SegDataset} hands out {@link org.distill4j.data.Sample}s, built from a {@code
 * train_dataset:} or {@code val_dataset:} section by {@link org.distill4j.data.Datasets}.
 * PaddleSeg's list-file datasets live here ({@code OpticDiscSeg}, with its download, and the
 * generic list-file {@code Dataset}, with {@code label_map}), together with what reads a sample
 * from disk: image decoding as OpenCV does it (EXIF orientation applied), {@link
 * org.distill4j.data.Compose} (decode, remap labels, run the transforms, return a sample, as
 * PaddleSeg's {@code Compose} does), the data check before a run and its cache, and {@link
 * org.distill4j.data.Seeds}, the seed mixing the loader, the trainer and the generator share.
 *
 * <p>Sub-packages: {@code data.transforms} (the transforms of the {@code transforms:} lists) and
 * {@code data.loader} (batches for training).
 *
 * <p>May depend on {@code data.transforms}, {@code config}, {@code errors}, {@code io} and its
 * sub-packages. Not on {@code data.loader} (which sits above it), {@code synthetic} (which writes
 * files this package reads, and depends on it), models or training.
 */
package org.distill4j.data;
