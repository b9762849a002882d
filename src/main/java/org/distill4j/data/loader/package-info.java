/**
 * Batches for training: {@link org.distill4j.data.loader.DataLoader} reads a {@code SegDataset} (on
 * worker threads when asked) and hands out {@link org.distill4j.data.loader.Batch}es of stacked
 * images and labels, shuffled per epoch and augmented with randomness seeded from (seed, epoch,
 * position), so a batch's content does not depend on thread scheduling or the number of workers.
 *
 * <p>May depend on {@code data}, {@code data.transforms} and {@code config}. The trainer and the
 * benchmark depend on it, never the other way round.
 */
package org.distill4j.data.loader;
