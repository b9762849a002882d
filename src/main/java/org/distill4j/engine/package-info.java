/**
 * What differs between DJL lines and engine builds, decided at run time in one place ({@link
 * org.distill4j.engine.EngineCompat}), so that the rest of the code is written once.
 *
 * <p>Depends only on {@code config} and DJL.
 */
package org.distill4j.engine;
