package org.distill4j.notebook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The options of a {@link NotebookExecutor}, as handed to each notebook session. */
record ExecutorSettings(
    Path workingDirectory,
    List<Path> classpath,
    Duration cellTimeout,
    boolean echoOutput,
    Path mavenRepository,
    Set<String> providedArtifacts,
    Consumer<String> log) {}
