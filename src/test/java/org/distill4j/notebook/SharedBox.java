package org.distill4j.notebook;

/** Written by notebook code in tests and read by the test: proves snippets share its classes. */
public final class SharedBox {
  public static volatile Object value;

  private SharedBox() {}
}
