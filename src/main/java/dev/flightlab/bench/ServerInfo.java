package dev.flightlab.bench;

/**
 * The server a run measured.
 *
 * @param mode "embedded" (in the benchmark's JVM), "process" (a separate JVM it started) or
 *     "external" (--server)
 * @param location its location
 * @param flightlab true when it is a flightlab server (answers the stats action)
 * @param note a sentence for the reader about what the mode means for the numbers
 */
public record ServerInfo(String mode, String location, boolean flightlab, String note) {}
