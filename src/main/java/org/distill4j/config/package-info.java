/**
 * Configs as PaddleSeg writes them: YAML with {@code _base_} inheritance, command-line overrides,
 * typed access to the sections ({@link org.distill4j.config.SegConfig}), the open registries that
 * turn a {@code type:} into a component, and the user-input error with its one-line message.
 *
 * <p>Depends only on {@code io.text} (and the errors base); every component package reads it.
 */
package org.distill4j.config;
