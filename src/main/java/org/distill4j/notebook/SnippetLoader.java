package org.distill4j.notebook;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

/**
 * Loads the classes JShell compiles for a notebook's snippets, plus the jars and directories added
 * by {@code %classpath}/{@code %jars}/{@code %maven}. Its parent is the loader of this package, so
 * snippets see the project's classes exactly as the executor does (the same {@link
 * NotebookRuntime}, the same static state), and added entries only supply classes the executor does
 * not already have.
 */
final class SnippetLoader implements LoaderDelegate {
  private final ClassBytesLoader loader;
  private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
  private final Set<String> hostEntries;

  /**
   * @param hostEntries classpath entries the parent loader already reads: JShell's compiler needs
   *     them, the snippet loader would only open them a second time
   */
  SnippetLoader(Set<String> hostEntries) {
    this.hostEntries = Set.copyOf(hostEntries);
    loader = new ClassBytesLoader(NotebookRuntime.class.getClassLoader());
  }

  /** The class loader of the snippets, also the context class loader of the cell thread. */
  ClassLoader classLoader() {
    return loader;
  }

  @Override
  public void load(ClassBytecodes[] classes) throws ClassInstallException {
    boolean[] installed = new boolean[classes.length];
    for (ClassBytecodes bytecodes : classes) {
      loader.declare(bytecodes.name(), bytecodes.bytecodes());
    }
    for (int i = 0; i < classes.length; i++) {
      try {
        Class<?> type = loader.loadClass(classes[i].name());
        type.getDeclaredMethods(); // links the class now, so errors surface here
        loaded.put(classes[i].name(), type);
        installed[i] = true;
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ClassInstallException("cannot load " + classes[i].name() + ": " + e, installed);
      }
    }
  }

  @Override
  public void classesRedefined(ClassBytecodes[] classes) {
    for (ClassBytecodes bytecodes : classes) {
      loader.declare(bytecodes.name(), bytecodes.bytecodes());
    }
  }

  @Override
  public void addToClasspath(String path) throws InternalException {
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty() && !hostEntries.contains(entry)) {
        try {
          loader.addEntry(Path.of(entry).toUri().toURL());
        } catch (MalformedURLException | IllegalArgumentException e) {
          throw new InternalException("bad classpath entry " + entry + ": " + e.getMessage());
        }
      }
    }
  }

  @Override
  public Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> type = loaded.get(name);
    if (type == null) {
      throw new ClassNotFoundException(name + " is not a loaded snippet class");
    }
    return type;
  }

  void close() {
    try {
      loader.close();
    } catch (IOException e) {
      // Closing only releases jar file handles; nothing to report for a finished notebook.
    }
  }

  /** A URL class loader that also defines classes from bytes handed over by JShell. */
  private static final class ClassBytesLoader extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

    ClassBytesLoader(ClassLoader parent) {
      super("notebook-snippets", new URL[0], parent);
    }

    void declare(String name, byte[] bytes) {
      declared.put(name, bytes);
    }

    void addEntry(URL url) {
      addURL(url);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = declared.get(name);
      if (bytes != null) {
        return defineClass(name, bytes, 0, bytes.length);
      }
      return super.findClass(name);
    }
  }
}
