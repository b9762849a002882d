/**
 * File helpers every other package shares, one copy each: atomic writes ({@link
 * org.distill4j.io.AtomicFiles}), recursive deletes ({@link org.distill4j.io.FileTrees}) and
 * SHA-256 digests ({@link org.distill4j.io.Sha256}); sub-packages hold downloads ({@code
 * download}), text files ({@code text}) and foreign weight formats ({@code weights}).
 *
 * <p>This package depends on the JDK only; its sub-packages on {@code config} and {@code errors}
 * for their one-line messages.
 */
package org.distill4j.io;
