package org.distill4j.io.download;

import java.io.IOException;

/**
 * A download that did not complete. The message is a short reason a user can read ("HTTP 404",
 * "connection refused", "truncated: 10 of 20 bytes"), without the URL; callers add the URL and what
 * to do about it.
 */
public final class DownloadFailed extends IOException {
  private static final long serialVersionUID = 1L;

  DownloadFailed(String reason) {
    super(reason);
  }

  DownloadFailed(String reason, Throwable cause) {
    super(reason, cause);
  }
}
