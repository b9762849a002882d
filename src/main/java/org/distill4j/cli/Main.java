package org.distill4j.cli;

/** Command-line entry point. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("distill4j");
  }
}
