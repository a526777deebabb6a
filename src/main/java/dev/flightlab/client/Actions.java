package dev.flightlab.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flightlab.wire.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;

/** Runs DoAction and ListActions on Arrow's client, with the connection's call options. */
final class Actions {
  private final Connection connection;

  Actions(Connection connection) {
    this.connection = connection;
  }

  /** Runs an action and returns its results' bodies as UTF-8 strings. */
  List<String> run(String type, byte[] body) {
    List<String> out = new ArrayList<>();
    connection
        .flight
        .doAction(new Action(type, body), connection.options())
        .forEachRemaining(r -> out.add(new String(r.getBody(), StandardCharsets.UTF_8)));
    return out;
  }

  /** Runs an action whose single result is JSON. */
  JsonNode json(String type, byte[] body) {
    List<String> results = run(type, body);
    if (results.isEmpty()) {
      throw new IllegalStateException("action '" + type + "' returned no result");
    }
    try {
      return Json.MAPPER.readTree(results.get(0));
    } catch (IOException e) {
      throw new IllegalStateException(
          "action '" + type + "' returned non-JSON: " + results.get(0), e);
    }
  }

  /** The actions the server offers. */
  List<ActionType> list() {
    List<ActionType> out = new ArrayList<>();
    connection.flight.listActions(connection.options()).forEach(out::add);
    return out;
  }
}
