package org.distill4j.io.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadCacheTest {
  @TempDir Path home;

  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  private DownloadCache cache() {
    return DownloadCache.of(
        home, Download.withProgressTo(new PrintStream(progress, true, StandardCharsets.UTF_8)));
  }

  private static byte[] weights() {
    byte[] b = new byte[300_000];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }

  private long filesUnder(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void plainPdparamsIsDownloadedCompleteThenReusedWithoutARequest() throws IOException {
    byte[] w = weights();
    try (LoopbackServer server = new LoopbackServer().serve("/w/model.pdparams", w)) {
      String url = server.url("/w/model.pdparams");
      Path local = cache().resolvePretrained(url);
      assertEquals(home.resolve("pretrained_model/model.pdparams"), local);
      assertArrayEquals(w, Files.readAllBytes(local));
      assertEquals(1, server.requests());
      assertEquals(local, cache().resolvePretrained(url));
      assertEquals(1, server.requests(), "a second resolve must not touch the network");
      assertEquals(1, filesUnder(home), "no temporary file left behind");
    }
    String lines = progress.toString(StandardCharsets.UTF_8);
    assertTrue(lines.contains("100%"), lines);
    assertTrue(lines.lines().count() <= 12, "at most a line per 10% off a terminal: " + lines);
  }

  @Test
  void tarGzIsUnpackedIntoAFolderNamedAfterTheArchive() throws IOException {
    byte[] archive =
        TestArchives.tarGz(
            TestArchives.entries(
                "resnet50_vd_ssld_v2/", "", "resnet50_vd_ssld_v2/model.pdparams", "weights"));
    try (LoopbackServer server =
        new LoopbackServer().serve("/d/resnet50_vd_ssld_v2.tar.gz", archive)) {
      String url = server.url("/d/resnet50_vd_ssld_v2.tar.gz");
      Path local = cache().resolvePretrained(url);
      Path dir = home.resolve("pretrained_model/resnet50_vd_ssld_v2");
      assertEquals(dir, local);
      assertEquals("weights", Files.readString(dir.resolve("model.pdparams")));
      assertEquals(1, filesUnder(home), "archive and staging folder removed");
      cache().resolvePretrained(url);
      assertEquals(1, server.requests());
    }
  }

  @Test
  void zipWhoseFolderHasAnotherNameIsStillStoredUnderTheArchiveName() throws IOException {
    byte[] archive = TestArchives.zip(TestArchives.entries("inner/model.pdparams", "w"));
    try (LoopbackServer server = new LoopbackServer().serve("/b.zip", archive)) {
      Path local = cache().resolvePretrained(server.url("/b.zip"));
      assertEquals("w", Files.readString(local.resolve("model.pdparams")));
      assertEquals(home.resolve("pretrained_model/b"), local);
    }
  }

  @Test
  void archiveWithoutFolderOrWithoutWeightsIsOneLine() throws IOException {
    byte[] noFolder = TestArchives.zip(TestArchives.entries("model.pdparams", "w"));
    byte[] noWeights = TestArchives.tarGz(TestArchives.entries("x/readme.txt", "hi"));
    try (LoopbackServer server =
        new LoopbackServer().serve("/a.zip", noFolder).serve("/c.tgz", noWeights)) {
      String a = server.url("/a.zip");
      ConfigException e1 = assertThrows(ConfigException.class, () -> cache().resolvePretrained(a));
      assertEquals(
          a + ": the archive holds no folder (PaddleSeg expects one folder with model.pdparams)",
          e1.getMessage());
      String c = server.url("/c.tgz");
      ConfigException e2 = assertThrows(ConfigException.class, () -> cache().resolvePretrained(c));
      assertEquals(c + ": the archive's folder 'x' holds no model.pdparams", e2.getMessage());
      assertFalse(Files.exists(home.resolve("pretrained_model/c")));
      assertEquals(0, filesUnder(home));
    }
  }

  @Test
  void truncatedBodyIsAnErrorAndLeavesNothing() throws Exception {
    // A raw socket: announce 5000 bytes, send 1000, close the connection.
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread serverThread =
          new Thread(
              () -> {
                try (Socket client = socket.accept()) {
                  client.getInputStream().read(new byte[4096]);
                  OutputStream out = client.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.write(new byte[1000]);
                  out.flush();
                } catch (IOException ignored) {
                  // the test fails on its own assertions if the response never arrives
                }
              });
      serverThread.start();
      String url = "http://127.0.0.1:" + socket.getLocalPort() + "/t/model.pdparams";
      ConfigException e = assertThrows(ConfigException.class, () -> cache().resolvePretrained(url));
      assertTrue(e.getMessage().startsWith("cannot download " + url + " ("), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      assertEquals(0, filesUnder(home), "nothing half-written");
      serverThread.join(5000);
    }
  }

  @Test
  void notFoundNamesTheUrlAndTheStatus() throws IOException {
    try (LoopbackServer server = new LoopbackServer()) {
      String url = server.url("/missing.tar.gz");
      ConfigException e = assertThrows(ConfigException.class, () -> cache().resolvePretrained(url));
      assertEquals(
          "cannot download "
              + url
              + " (HTTP 404); unpack it by hand so that "
              + home.resolve("pretrained_model/missing/model.pdparams")
              + " exists, or set pretrained: Null to train from scratch",
          e.getMessage());
    }
  }

  @Test
  void connectionRefusedIsTheOfflineMessage() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/model.pdparams";
    ConfigException e = assertThrows(ConfigException.class, () -> cache().resolvePretrained(url));
    assertEquals(
        "cannot download "
            + url
            + " (connection refused or network unreachable); save it by hand as "
            + home.resolve("pretrained_model/model.pdparams")
            + ", or set pretrained: Null to train from scratch",
        e.getMessage());
    assertFalse(e.getMessage().contains("Exception"));
  }

  @Test
  void entryEscapingTheTargetIsRefused() throws IOException {
    Path archive = home.resolve("evil.zip");
    Files.write(archive, TestArchives.zip(TestArchives.entries("ok/../../escaped.txt", "x")));
    Path target = home.resolve("out");
    ConfigException e = assertThrows(ConfigException.class, () -> Archives.unpack(archive, target));
    assertTrue(
        e.getMessage().contains("refused to unpack entry 'ok/../../escaped.txt'"), e.getMessage());
    assertFalse(Files.exists(home.resolve("escaped.txt")));
    Path tar = home.resolve("evil.tgz");
    Files.write(tar, TestArchives.tarGz(TestArchives.entries("../escaped.txt", "x")));
    assertThrows(ConfigException.class, () -> Archives.unpack(tar, target));
    assertFalse(Files.exists(home.resolve("escaped.txt")));
  }
}
