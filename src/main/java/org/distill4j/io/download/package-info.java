/**
 * Downloads over HTTP(S) with a progress bar, a cache under {@code $DISTILL4J_HOME}, and safe
 * unpacking of {@code .zip}, {@code .tar.gz} and {@code .tgz} archives.
 *
 * <p>{@link org.distill4j.io.download.Download} fetches one URL into a temporary file next to the
 * target and renames it only when the body is complete; {@link org.distill4j.io.download.Archives}
 * unpacks without letting an entry escape the target folder; {@link
 * org.distill4j.io.download.DownloadCache} resolves a {@code pretrained} URL to a local path the
 * way PaddleSeg's {@code SEG_HOME/pretrained_model} does.
 *
 * <p>Depends on the JDK, commons-compress and {@link org.distill4j.config.ConfigException} only.
 */
package org.distill4j.io.download;
