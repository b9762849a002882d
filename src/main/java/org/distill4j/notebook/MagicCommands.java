package org.distill4j.notebook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * IJava's line magics, resolved without network access: {@code %jars} and {@code %classpath} (globs
 * relative to the working directory), {@code %maven} (one jar from the local Maven repository, or
 * nothing when the artifact is already on the executor's classpath) and {@code %load} (a
 * .jsh/.jshell/.java/.ijava file or every code cell of an .ipynb). Any other magic fails the cell
 * with its name.
 */
final class MagicCommands {
  /** What the magics act on: the running notebook. */
  interface Host {
    void addToClasspath(Path entry) throws CellFailure;

    /** Runs text as if it were (part of) the current cell. */
    void runSource(String source, String origin) throws CellFailure;

    /** A note for the person running the executor (not stored in the notebook). */
    void log(String note);
  }

  private static final String ENAME = "MagicException";
  private static final List<String> LOAD_EXTENSIONS =
      List.of("", ".jsh", ".jshell", ".java", ".ijava", ".ipynb");

  private final Path workingDirectory;
  private final Path mavenRepository;
  private final Set<String> providedArtifacts;
  private final Set<String> hostClasspath;
  private final Host host;

  MagicCommands(
      Path workingDirectory,
      Path mavenRepository,
      Set<String> providedArtifacts,
      Set<String> hostClasspath,
      Host host) {
    this.hostClasspath = hostClasspath;
    this.workingDirectory = workingDirectory;
    this.mavenRepository = mavenRepository;
    this.providedArtifacts = providedArtifacts;
    this.host = host;
  }

  /** Runs line magic {@code %name} with its argument text. */
  void run(String name, String argumentText) throws CellFailure {
    List<String> args = tokenize(argumentText);
    switch (name) {
      case "jars" -> addGlobs("%jars", args, true);
      case "classpath" -> addGlobs("%classpath", args, false);
      case "maven", "addMavenDependency", "addMavenDependencies" -> maven(args);
      case "load" -> load(args);
      case "mavenRepo", "addMavenRepo", "loadFromPOM" ->
          throw fail(
              "%"
                  + name
                  + " is not supported by this executor (it resolves from the local Maven"
                  + " repository only)");
      default ->
          throw fail(
              "unknown line magic %" + name + "; supported: %jars, %classpath, %maven, %load");
    }
  }

  private void addGlobs(String magic, List<String> globs, boolean filesOnly) throws CellFailure {
    if (globs.isEmpty()) {
      throw fail(magic + " needs at least one path or glob");
    }
    for (String glob : globs) {
      List<Path> matches;
      try {
        matches = ClasspathGlob.resolve(workingDirectory, glob, filesOnly);
      } catch (IOException e) {
        throw fail(magic + " " + glob + ": " + e.getMessage());
      }
      if (matches.isEmpty()) {
        throw fail(
            magic
                + " "
                + glob
                + ": no "
                + (filesOnly ? "file" : "file or directory")
                + " matches (relative to "
                + workingDirectory
                + ")");
      }
      for (Path match : matches) {
        host.addToClasspath(match);
      }
    }
  }

  private void maven(List<String> args) throws CellFailure {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--from")) {
        throw fail(
            "%maven --from needs a remote repository; this executor reads only " + mavenRepository);
      } else if (!arg.matches("-v+")) {
        resolveArtifact(arg);
      }
    }
  }

  private void resolveArtifact(String coordinates) throws CellFailure {
    String[] parts = coordinates.split(":");
    if (parts.length < 3 || parts.length > 5) {
      throw fail(
          "%maven "
              + coordinates
              + ": expected groupId:artifactId[:packaging[:classifier]]:version");
    }
    String group = parts[0];
    String artifact = parts[1];
    String version = parts[parts.length - 1];
    String packaging = parts.length >= 4 ? parts[2] : "jar";
    String classifier = parts.length == 5 ? "-" + parts[3] : "";
    String provider = providerOf(group, artifact);
    if (provider != null) {
      host.log(
          "%maven "
              + coordinates
              + ": already on the executor's classpath ("
              + provider
              + "), not added again");
      return;
    }
    String extension = packaging.equals("bundle") ? "jar" : packaging;
    Path jar =
        mavenRepository
            .resolve(group.replace('.', '/'))
            .resolve(artifact)
            .resolve(version)
            .resolve(artifact + "-" + version + classifier + "." + extension);
    if (!Files.isRegularFile(jar)) {
      throw fail(
          "%maven "
              + coordinates
              + ": "
              + jar
              + " not found; this executor resolves from"
              + " the local Maven repository only (mvn dependency:get -Dartifact="
              + coordinates
              + " fetches it)");
    }
    host.addToClasspath(jar);
    host.log("%maven " + coordinates + ": added " + jar + " (its dependencies are not resolved)");
  }

  /**
   * What already supplies an artifact to the executor, or null: a declaration, a jar's Maven {@code
   * pom.properties}, or a host classpath jar named like the artifact (Gradle-built jars such as
   * DJL's carry no pom.properties). The host's classes would win over an added copy anyway, since
   * the snippet loader asks its parent first.
   */
  private String providerOf(String group, String artifact) {
    if (providedArtifacts.contains(group + ":" + artifact)) {
      return "declared as provided";
    }
    String pomProperties = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    if (NotebookRuntime.class.getClassLoader().getResource(pomProperties) != null) {
      return pomProperties;
    }
    Pattern jarName = Pattern.compile(Pattern.quote(artifact) + "-\\d.*\\.jar");
    for (String entry : hostClasspath) {
      if (jarName.matcher(Path.of(entry).getFileName().toString()).matches()) {
        return entry;
      }
    }
    return null;
  }

  private void load(List<String> args) throws CellFailure {
    if (args.size() != 1) {
      throw fail("%load takes one file, got " + args.size() + " arguments");
    }
    Path file = findLoadable(args.get(0));
    try {
      if (file.getFileName().toString().endsWith(".ipynb")) {
        for (Cell cell : Notebook.read(file).codeCells()) {
          host.runSource(cell.source(), file.toString());
        }
      } else {
        host.runSource(Files.readString(file, StandardCharsets.UTF_8), file.toString());
      }
    } catch (IOException e) {
      throw fail("%load " + args.get(0) + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private Path findLoadable(String name) throws CellFailure {
    Path base = workingDirectory.resolve(name).normalize();
    for (String extension : LOAD_EXTENSIONS) {
      Path candidate = Path.of(base + extension);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw fail(
        "%load "
            + name
            + ": no such file "
            + base
            + " (also tried the extensions "
            + String.join(" ", LOAD_EXTENSIONS.subList(1, LOAD_EXTENSIONS.size()))
            + ")");
  }

  /** Splits magic arguments on whitespace; single or double quotes keep spaces in one argument. */
  static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          token.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(token.toString());
          token.setLength(0);
          inToken = false;
        }
      } else {
        token.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      tokens.add(token.toString());
    }
    return tokens;
  }

  private static CellFailure fail(String message) {
    return CellFailure.simple(ENAME, message);
  }
}
