package org.distill4j.io.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.distill4j.io.AtomicFiles;

/**
 * Fetches one URL into a file. The body goes to a temporary file next to the target, which is
 * renamed onto the target only when as many bytes arrived as the server announced; a failed or
 * truncated download leaves nothing behind.
 */
public final class Download {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient client;
  private final PrintStream progressOut;

  private Download(HttpClient client, PrintStream progressOut) {
    this.client = client;
    this.progressOut = progressOut;
  }

  /** A download that follows redirects and draws its progress bar on standard error. */
  public static Download create() {
    return withProgressTo(System.err);
  }

  /** A download whose progress lines go to {@code progressOut} (tests pass their own stream). */
  public static Download withProgressTo(PrintStream progressOut) {
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    return new Download(client, progressOut);
  }

  /**
   * Downloads {@code url} to {@code target} (parent folders are created).
   *
   * @throws DownloadFailed with a short reason when the server refuses, the network fails, or the
   *     body is shorter than its Content-Length
   */
  public void fetch(String url, Path target) throws DownloadFailed {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, target.getFileName() + ".", ".part");
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new DownloadFailed("HTTP " + response.statusCode());
        }
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long got = copy(body, tmp, new Progress(progressOut, label(url), total, isTerminal()));
        if (total >= 0 && got != total) {
          throw new DownloadFailed("truncated: " + got + " of " + total + " bytes arrived");
        }
      }
      AtomicFiles.moveReplacing(tmp, target);
      tmp = null;
    } catch (DownloadFailed e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new DownloadFailed("not a valid URL", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadFailed("interrupted", e);
    } catch (IOException e) {
      throw new DownloadFailed(reason(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the .part file is named as such and is never read
        }
      }
    }
  }

  private boolean isTerminal() {
    return progressOut == System.err && System.console() != null;
  }

  private static long copy(InputStream in, Path tmp, Progress progress) throws IOException {
    long got = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(tmp)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        got += n;
        progress.update(got);
      }
    } catch (IOException e) {
      throw new DownloadFailed("connection lost after " + got + " bytes", e);
    }
    progress.done(got);
    return got;
  }

  private static String label(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1);
    return "Downloading " + (name.isEmpty() ? url : name);
  }

  /** A reason without Java class names. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused or network unreachable";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host (offline?)";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof HttpTimeoutException) {
        return "timed out";
      }
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? "network error" : "network error: " + m;
  }
}
