/**
 * Pictures for people: training charts (loss, validation IoU, learning rate, bars, seed sweeps)
 * drawn with XChart, prediction panels that colour false positives and false negatives, feature-map
 * panels, and the listeners that redraw or save charts while a run trains. Everything returns a
 * {@link java.awt.image.BufferedImage} so that the CLI can save it and a notebook can display it;
 * nothing here knows about a kernel.
 *
 * <p>May depend on {@code org.distill4j.train} (histories and listener interfaces), {@code eval},
 * {@code data} and {@code models} (to predict for panels), DJL's NDArray, XChart and java.awt;
 * nothing outside this package depends on its internals.
 */
package org.distill4j.viz;
