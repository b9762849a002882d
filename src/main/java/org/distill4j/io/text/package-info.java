/**
 * Reading the text files users write (YAML configs, dataset list files): UTF-8 with an optional
 * byte-order mark, and a one-line error naming file, line and byte for anything else. Depends on
 * nothing in distill4j but {@code config} (its exception and error wording).
 */
package org.distill4j.io.text;
