package org.distill4j.io.download;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 serving bytes the test registers, counting requests. A path
 * registered as truncated announces more bytes than it sends, then closes the connection.
 */
public final class LoopbackServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Long> announced = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  public LoopbackServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          byte[] body = files.get(path);
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          long length = announced.getOrDefault(path, (long) body.length);
          exchange.sendResponseHeaders(200, length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          } catch (IOException expectedForTruncated) {
            // the JDK server complains when fewer bytes than announced are written
          }
          exchange.close();
        });
    server.start();
  }

  public LoopbackServer serve(String path, byte[] body) {
    files.put(path, body);
    return this;
  }

  /** Serves {@code body} but announces {@code contentLength} bytes. */
  public LoopbackServer serveTruncated(String path, byte[] body, long contentLength) {
    files.put(path, body);
    announced.put(path, contentLength);
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
