package dev.flightlab.cli;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.IpcSchemas;
import dev.flightlab.memory.Allocators;
import dev.flightlab.wire.DatasetPath;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flightlab info}: a dataset's schema, totals and endpoints. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Show a dataset's schema, rows, bytes and endpoints (GetFlightInfo).")
final class InfoCommand implements Callable<Integer> {
  @Mixin ClientMixin client;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "Dataset path, e.g. /reports/daily_sales.")
  String path;

  @Override
  public Integer call() throws Exception {
    DatasetPath dataset = DatasetPath.parse(path);
    try (RootAllocator allocator = Allocators.newRoot();
        FlightLabClient c = client.connect(allocator)) {
      FlightInfo info = c.info(dataset);
      var out = spec.commandLine().getOut();
      out.println("Path:      " + LsCommand.pathOf(info));
      out.println("Rows:      " + info.getRecords());
      out.println("Bytes:     " + info.getBytes() + " (IPC body bytes as the server counts them)");
      Schema schema = info.getSchemaOptional().orElse(null);
      if (schema != null) {
        out.println("Schema:");
        for (Field f : schema.getFields()) {
          out.println("  " + IpcSchemas.describe(f));
        }
        if (!schema.getCustomMetadata().isEmpty()) {
          out.println("  metadata: " + schema.getCustomMetadata());
        }
      }
      out.println("Endpoints:");
      for (FlightEndpoint e : info.getEndpoints()) {
        out.println(
            "  ticket "
                + printable(e.getTicket().getBytes())
                + " at "
                + e.getLocations().stream().map(l -> l.getUri().toString()).toList());
      }
      out.flush();
      return 0;
    }
  }

  /**
   * A ticket as text: its UTF-8 with control characters escaped (\x01), or, when it is not UTF-8
   * (an opaque token), hex digits after "0x".
   */
  static String printable(byte[] ticket) {
    String text;
    try {
      text =
          java.nio.charset.StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(ticket))
              .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return "0x" + java.util.HexFormat.of().formatHex(ticket);
    }
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
