package dev.flightlab.store;

import org.apache.arrow.vector.dictionary.Dictionary;

/**
 * A dictionary message that arrived between an upload's batches, kept to be replayed in its place:
 * a replacement (the dictionary's values from here on) or a delta (values appended to it).
 *
 * <p>Owned by the {@link Segment} that holds it; readers borrow it through a {@link Dataset}
 * snapshot and must not close it.
 *
 * @param dictionary the message's values (for a delta, only the appended ones) and encoding
 * @param delta whether the values extend the current dictionary rather than replace it
 */
public record StoredDictionary(Dictionary dictionary, boolean delta) {

  /** The dictionary id the schema's encoded fields refer to. */
  public long id() {
    return dictionary.getEncoding().getId();
  }

  void free() {
    dictionary.getVector().close();
  }
}
