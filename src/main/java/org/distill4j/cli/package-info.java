/**
 * The command line ({@code bin/distill4j}): one class per command, each parsing its flags with the
 * original scripts' names and handing the work to the library. Errors the user can fix are printed
 * as one line and exit with status 2.
 *
 * <p>The top of the dependency graph: it may use every other package, and none uses it.
 */
package org.distill4j.cli;
