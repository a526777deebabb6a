package dev.flightlab.wire;

/** Tags of FlightData's protobuf fields (Flight.proto): field number << 3 | length-delimited. */
final class FlightDataFields {
  static final int DESCRIPTOR = (1 << 3) | 2;
  static final int HEADER = (2 << 3) | 2;
  static final int APP_METADATA = (3 << 3) | 2;
  static final int BODY = (1000 << 3) | 2;

  private FlightDataFields() {}
}
