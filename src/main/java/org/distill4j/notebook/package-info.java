/**
 * Headless execution of the tutorial notebooks with the IJava kernel's semantics.
 *
 * <p>{@link org.distill4j.notebook.Notebook} reads and writes .ipynb files (nbformat 4) the way
 * Jupyter does; {@link org.distill4j.notebook.NotebookExecutor} runs their code cells in a fresh
 * in-process JShell per notebook and stores stream, result, display and error outputs; {@link
 * org.distill4j.notebook.NotebookRuntime} supplies IJava's {@code display}/{@code updateDisplay}/
 * {@code render}/{@code printf} under the same names, so a notebook runs unchanged here and under
 * IJava or JJava. Supported magics: {@code %jars}, {@code %classpath}, {@code %maven} (local
 * repository only, no dependencies) and {@code %load}.
 */
package org.distill4j.notebook;
