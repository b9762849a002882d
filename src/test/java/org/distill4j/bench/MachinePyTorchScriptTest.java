package org.distill4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distill4j.io.download.LoopbackServer;
import org.distill4j.testing.Python;
import org.distill4j.testing.Scripts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/use-machine-pytorch}: DJL's sources downloaded once (from a loopback server serving a
 * stand-in archive with DJL's layout, a JNI class and one C++ file), the JNI header made with
 * javac, the library compiled and linked against the machine's Python PyTorch (Debian's, which CI
 * installs) into DJL's cache folder, and the environment written; offline, and without PyTorch, one
 * line each.
 */
@Tag("slow")
class MachinePyTorchScriptTest {
  private static final Path ROOT = Scripts.ROOT;

  @TempDir Path tmp;

  @Test
  void buildsTheJniAgainstTheMachinesTorchAndWritesTheEnvironment() throws Exception {
    String djl = djlVersion();
    String torchDir = Python.run(tmp, "import torch; print(torch.__path__[0])").strip();
    String torchVersion =
        Python.run(tmp, "import torch; print(torch.__version__.split('+')[0])").strip();
    try (LoopbackServer server = new LoopbackServer()) {
      server.serve("/djl.tar.gz", standInSources(djl));
      Map<String, String> env =
          Map.of(
              "PYTHON", Python.INTERPRETER.toString(),
              "DJL_SOURCE_URL", server.url("/djl.tar.gz"),
              "DISTILL4J_HOME", tmp.resolve("home").toString(),
              "DJL_CACHE_DIR", tmp.resolve("cache").toString());
      Path envFile = tmp.resolve("machine.env");
      Scripts.Result first = run(env, "--env-file", envFile.toString());
      assertEquals(0, first.exitCode(), first.output());

      Path jni =
          tmp.resolve(
              "cache/pytorch/" + torchVersion + "-cpu-linux-x86_64/" + djl + "-libdjl_torch.so");
      assertTrue(Files.size(jni) > 0, first.output());
      Path header =
          tmp.resolve(
              "home/djl-src/v"
                  + djl
                  + "/engines/pytorch/pytorch-native/build/include/"
                  + "ai_djl_pytorch_jni_PyTorchLibrary.h");
      assertTrue(Files.readString(header).contains("PyTorchLibrary_torchStandIn"));
      String written = Files.readString(envFile);
      assertTrue(written.contains("export PYTORCH_LIBRARY_PATH='" + torchDir + "/lib'"), written);
      assertTrue(written.contains("export PYTORCH_VERSION='" + torchVersion + "'"), written);
      assertTrue(written.contains("export PYTORCH_FLAVOR='cpu'"), written);

      Scripts.Result second = run(env, "--env-file", envFile.toString());
      assertEquals(0, second.exitCode(), second.output());
      assertEquals(1, server.requests(), "the downloaded sources are reused");
    }
  }

  @Test
  void offlineAndWithoutPyTorchAreOneLineEach() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Scripts.Result offline =
        run(
            Map.of(
                "PYTHON", Python.INTERPRETER.toString(),
                "DJL_SOURCE_URL", "http://127.0.0.1:" + closedPort + "/djl.tar.gz",
                "DISTILL4J_HOME", tmp.resolve("home").toString()),
            "--env-file",
            tmp.resolve("e.env").toString());
    assertEquals(2, offline.exitCode(), offline.output());
    List<String> lines = offline.output().strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains("could not download DJL's sources from"), offline.output());
    assertTrue(last.contains("--djl-src DIR"), offline.output());

    Scripts.Result noTorch =
        run(Map.of("PYTHON", "/bin/false"), "--env-file", tmp.resolve("f").toString());
    assertEquals(2, noTorch.exitCode(), noTorch.output());
    assertEquals(1, noTorch.output().strip().lines().count(), noTorch.output());
    assertTrue(noTorch.output().contains("has no PyTorch"), noTorch.output());
  }

  /** DJL's version, read from the engine jar's name as the script does. */
  private static String djlVersion() throws IOException {
    try (var jars = Files.list(ROOT.resolve("target/lib"))) {
      String name =
          jars.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("pytorch-engine-"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("run after mvn test-compile"));
      return name.substring("pytorch-engine-".length(), name.length() - ".jar".length());
    }
  }

  /** A .tar.gz laid out like GitHub's archive of DJL: one top folder, then the source tree. */
  private byte[] standInSources(String djl) throws Exception {
    Path top = tmp.resolve("archive/djl-" + djl);
    Path jni = top.resolve("engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni");
    Path cc = top.resolve("engines/pytorch/pytorch-native/src/main/native");
    Files.createDirectories(jni);
    Files.createDirectories(cc);
    Files.createDirectories(top.resolve("api/src/main/native/djl"));
    Files.writeString(
        jni.resolve("PyTorchLibrary.java"),
        "package ai.djl.pytorch.jni;\npublic final class PyTorchLibrary {\n"
            + "  native int torchStandIn();\n}\n");
    Files.writeString(
        cc.resolve("stand_in.cc"),
        String.join(
            "\n",
            "#include <c10/core/ScalarType.h>",
            "#include \"ai_djl_pytorch_jni_PyTorchLibrary.h\"",
            "JNIEXPORT jint JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchStandIn(",
            "    JNIEnv*, jobject) {",
            "  return static_cast<jint>(c10::elementSize(c10::ScalarType::Float));",
            "}",
            ""));
    Path archive = tmp.resolve("djl.tar.gz");
    Scripts.Result tar =
        Scripts.run(
            List.of(
                "tar",
                "-czf",
                archive.toString(),
                "-C",
                tmp.resolve("archive").toString(),
                "djl-" + djl),
            Map.of(),
            60);
    assertEquals(0, tar.exitCode(), tar.output());
    return Files.readAllBytes(archive);
  }

  private static Scripts.Result run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "bin/use-machine-pytorch"));
    command.addAll(List.of(args));
    return Scripts.run(command, env, 300);
  }
}
