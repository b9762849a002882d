package org.distill4j.io.weights;

import net.razorvine.pickle.Unpickler;

/** Teaches the unpickler the two numpy globals an array pickle names. */
final class NumpyPickles {
  private static boolean registered;

  private NumpyPickles() {}

  static synchronized void register() {
    if (registered) {
      return;
    }
    // numpy 1.x writes numpy.core.multiarray, numpy 2.x numpy._core.multiarray.
    for (String module : new String[] {"numpy.core.multiarray", "numpy._core.multiarray"}) {
      Unpickler.registerConstructor(module, "_reconstruct", args -> new NumpyArray());
    }
    Unpickler.registerConstructor(
        "numpy", "dtype", args -> new NumpyDtype(String.valueOf(args[0])));
    registered = true;
  }
}
