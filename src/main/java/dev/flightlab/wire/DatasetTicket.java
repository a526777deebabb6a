package dev.flightlab.wire;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.Ticket;

/**
 * What a flightlab ticket names: a whole dataset (the path's UTF-8 bytes, as the original demo
 * client sends) or a range of one version's batches (one endpoint of a dataset split with {@code
 * flightlab serve --endpoint-rows}).
 *
 * <p>A range ticket is {@code \u0001range:VERSION:FIRST:END:PATH} in UTF-8: the leading control
 * character can begin no path (paths refuse control characters), so the two forms never collide.
 * Clients treat tickets as opaque bytes; only the server reads them.
 *
 * @param path the dataset
 * @param version the dataset version the range belongs to; 0 for a whole-dataset ticket
 * @param firstBatch index of the first batch served
 * @param endBatch index after the last batch served; -1 for "to the end"
 */
public record DatasetTicket(DatasetPath path, long version, int firstBatch, int endBatch) {
  private static final String RANGE_PREFIX = "\u0001range:";

  public DatasetTicket {
    if (firstBatch < 0 || (endBatch >= 0 && endBatch < firstBatch) || endBatch < -1) {
      throw new IllegalArgumentException(
          "bad batch range " + firstBatch + ".." + endBatch + " in ticket for " + path);
    }
  }

  /** The whole dataset, any version: the plain path ticket. */
  public static DatasetTicket whole(DatasetPath path) {
    return new DatasetTicket(path, 0, 0, -1);
  }

  /** Batches {@code [firstBatch, endBatch)} of version {@code version} of {@code path}. */
  public static DatasetTicket range(DatasetPath path, long version, int firstBatch, int endBatch) {
    if (version < 1) {
      throw new IllegalArgumentException("a range ticket needs a version: " + version);
    }
    return new DatasetTicket(path, version, firstBatch, endBatch);
  }

  /** True when this ticket names the whole dataset, whatever its version. */
  public boolean isWhole() {
    return version == 0;
  }

  /**
   * Reads a ticket: a range ticket, or else a path ticket ({@link DatasetPath#fromTicket}).
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static DatasetTicket fromTicket(Ticket ticket) {
    byte[] bytes = ticket.getBytes();
    if (bytes.length > 0 && bytes[0] == RANGE_PREFIX.charAt(0)) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (!text.startsWith(RANGE_PREFIX)) {
        throw new IllegalArgumentException("not a flightlab ticket (" + bytes.length + " bytes)");
      }
      String[] parts = text.substring(RANGE_PREFIX.length()).split(":", 4);
      if (parts.length != 4) {
        throw new IllegalArgumentException("malformed range ticket (" + bytes.length + " bytes)");
      }
      try {
        return range(
            DatasetPath.parse(parts[3]),
            Long.parseLong(parts[0]),
            Integer.parseInt(parts[1]),
            Integer.parseInt(parts[2]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed range ticket (" + bytes.length + " bytes)");
      }
    }
    return whole(DatasetPath.fromTicket(ticket));
  }

  /** This ticket's bytes: the path alone for a whole dataset, else the range form. */
  public Ticket toTicket() {
    if (isWhole()) {
      return path.toTicket();
    }
    String text = RANGE_PREFIX + version + ":" + firstBatch + ":" + endBatch + ":" + path;
    return new Ticket(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return isWhole()
        ? path.toString()
        : path + " v" + version + " batches " + firstBatch + ".." + endBatch;
  }
}
