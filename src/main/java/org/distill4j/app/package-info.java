/**
 * How a run is trained and watched, written once for every front end: the listener presets ({@link
 * org.distill4j.app.RunListeners}) and the recipe that saves a run's config, attaches them and
 * trains ({@link org.distill4j.app.TrainingRun}). The command line's {@code train} and {@code
 * distill}, the tutorial and the notebooks all train through here.
 *
 * <p>May depend on {@code train}, {@code distill}, {@code viz}, {@code models} and {@code config};
 * nothing below it depends on it.
 */
package org.distill4j.app;
