package dev.flightlab.wire;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * flightlab's one Jackson mapper (default settings; thread-safe), made when first used: building
 * one compiles hundreds of methods, work that a cold start (the demo, which never reads or writes
 * JSON) would otherwise pay while it moves data.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
