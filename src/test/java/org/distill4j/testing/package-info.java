/**
 * Test fixtures shared by test classes of several packages: Python fixtures ({@link
 * org.distill4j.testing.Python}), the small dataset plus smoke config of end-to-end runs ({@link
 * org.distill4j.testing.SmokeRuns}), running the project's shell scripts ({@link
 * org.distill4j.testing.Scripts}) and comparing float arrays up to rounding ({@link
 * org.distill4j.testing.FloatArrays}). Test code only; may use every main package.
 */
package org.distill4j.testing;
