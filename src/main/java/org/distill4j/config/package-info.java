/**
 * Configs as PaddleSeg writes them: YAML with {@code _base_} inheritance, command-line overrides,
 * typed access to the sections ({@link org.distill4j.config.SegConfig}), the open registries that
 * turn a {@code type:} into a component, the user-input error with its one-line message, and the
 * reading of the text files users write ({@link org.distill4j.config.TextFiles}: YAML configs and
 * dataset list files, UTF-8 with an optional byte-order mark, anything else refused in one line
 * naming file, line and byte).
 *
 * <p>Depends only on the errors base; every component package reads it.
 */
package org.distill4j.config;
