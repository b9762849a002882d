/**
 * The parts of the teacher-output cache ({@link org.distill4j.distill.TeacherOutputCache}), one job
 * each: the on-disk format ({@link org.distill4j.distill.cache.CacheManifest}), input keys and the
 * fingerprint that decides when a cache is stale ({@link
 * org.distill4j.distill.cache.CacheFingerprints}), building ({@link
 * org.distill4j.distill.cache.CacheBuild}, {@link org.distill4j.distill.cache.CacheWriter}), lookup
 * and reading ({@link org.distill4j.distill.cache.CacheStore}) and the bit-for-bit check of cached
 * against live outputs ({@link org.distill4j.distill.cache.BitwiseComparison}).
 *
 * <p>Works on named tensors ({@code Map<String, NDArray>}) and a teacher given as a function, so it
 * depends only on {@code models}, {@code data}, {@code engine}, {@code io}, {@code config} and
 * {@code errors}, never on {@code distill} itself: the facade in {@code distill} turns the named
 * tensors into a {@link org.distill4j.distill.FrozenTeacher.Output}.
 */
package org.distill4j.distill.cache;
