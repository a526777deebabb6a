package dev.flightlab.data;

/**
 * Knobs for {@link DataGenerator}; every default is in {@link #defaults()}.
 *
 * @param seed the PRNG seed; the same seed, schema, rows and batch size give the same bytes
 * @param nullFraction the probability that a value of a nullable field is null, 0..1 (0 = no nulls:
 *     every validity bit is set)
 * @param stringLength the average length in bytes of utf8, large_utf8 and binary values (and of
 *     dictionary values); lengths vary by up to a quarter either side
 * @param cardinality when above 0, the most distinct values a column holds (for dictionary fields,
 *     the dictionary size); 0 = unbounded (dictionaries then have {@link #DEFAULT_DICTIONARY_SIZE}
 *     entries)
 */
public record GeneratorOptions(long seed, double nullFraction, int stringLength, long cardinality) {
  /** The default seed. */
  public static final long DEFAULT_SEED = 42;

  /** The default fraction of nulls: none. */
  public static final double DEFAULT_NULL_FRACTION = 0.0;

  /** The default average string length in bytes. */
  public static final int DEFAULT_STRING_LENGTH = 16;

  /** The default cardinality: unbounded. */
  public static final long DEFAULT_CARDINALITY = 0;

  /** The dictionary size used when {@link #cardinality()} is 0. */
  public static final int DEFAULT_DICTIONARY_SIZE = 1024;

  /** Checks the ranges. */
  public GeneratorOptions {
    if (!(nullFraction >= 0.0 && nullFraction <= 1.0)) {
      throw new IllegalArgumentException("nullFraction must be 0..1, not " + nullFraction);
    }
    if (stringLength < 0) {
      throw new IllegalArgumentException("stringLength must be >= 0, not " + stringLength);
    }
    if (cardinality < 0) {
      throw new IllegalArgumentException(
          "cardinality must be >= 0 (0 = unbounded), not " + cardinality);
    }
  }

  /** Seed 42, no nulls, 16-byte strings, unbounded cardinality. */
  public static GeneratorOptions defaults() {
    return new GeneratorOptions(
        DEFAULT_SEED, DEFAULT_NULL_FRACTION, DEFAULT_STRING_LENGTH, DEFAULT_CARDINALITY);
  }

  /** A copy with another seed. */
  public GeneratorOptions withSeed(long seed) {
    return new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /** A copy with another null fraction. */
  public GeneratorOptions withNullFraction(double nullFraction) {
    return new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /** A copy with another average string length. */
  public GeneratorOptions withStringLength(int stringLength) {
    return new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /** A copy with another cardinality. */
  public GeneratorOptions withCardinality(long cardinality) {
    return new GeneratorOptions(seed, nullFraction, stringLength, cardinality);
  }

  /** The number of entries each dictionary gets. */
  public int dictionarySize() {
    if (cardinality == 0) {
      return DEFAULT_DICTIONARY_SIZE;
    }
    if (cardinality > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "cardinality " + cardinality + " is too large for a dictionary with int32 indices");
    }
    return (int) cardinality;
  }
}
