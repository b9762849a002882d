/**
 * The kinds of failure distill4j reports to a user in one line, under one base, {@link
 * org.distill4j.errors.Distill4jException}: data errors, numerical faults and damaged saved files
 * here; user-input (config and flag) errors as {@link org.distill4j.config.ConfigException}, which
 * stays in {@code config} where it was first published.
 *
 * <p>Depends on nothing else in distill4j; every other package may depend on it.
 */
package org.distill4j.errors;
