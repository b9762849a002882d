/**
 * The synthetic optic-disc set behind {@code make-dataset} and the tutorial's offline data: {@link
 * org.distill4j.synthetic.SyntheticFundusGenerator} paints fundus-like images (a vignetted disc of
 * the eye, a vessel tree, the optic disc and, by name prefix, distractors) and writes them in the
 * layout of PaddleSeg's {@code optic_disc_seg}, so that {@code OpticDiscSeg} reads them like the
 * real set. Every image is seeded from (seed, index): the same seed gives the same bytes.
 *
 * <p>May depend on {@code data} (for {@code Seeds}) only. Nothing in {@code data} depends on it;
 * its users are the command line, the tutorial and the benchmark.
 */
package org.distill4j.synthetic;
