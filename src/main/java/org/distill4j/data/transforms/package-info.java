/**
 * The transforms of a dataset's {@code transforms:} list, as PaddleSeg defines them: {@code
 * Resize}, {@code ResizeStepScaling}, {@code RandomPaddingCrop}, {@code Padding}, the random flips,
 * {@code RandomDistort} (with PIL's enhancement arithmetic) and {@code Normalize}. Each one changes
 * a {@link org.distill4j.data.transforms.SegImage} (an HWC float image and, in training, its label)
 * in place, drawing any randomness from the {@code Random} it is given; {@link
 * org.distill4j.data.transforms.Transforms#registry()} builds them from config by {@code type}.
 * Resampling follows OpenCV's {@code resize} so results match PaddleSeg's.
 *
 * <p>The bottom of the data layer: may depend on {@code config} only. It knows nothing of files,
 * datasets, samples or the loader; {@code data.Compose} strings the transforms together and turns
 * the result into a sample.
 */
package org.distill4j.data.transforms;
