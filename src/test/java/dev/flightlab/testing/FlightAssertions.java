package dev.flightlab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the Flight status a call ends with. */
public final class FlightAssertions {
  private FlightAssertions() {}

  /**
   * Asserts that {@code call} fails with a {@link FlightRuntimeException} of {@code code} whose
   * description holds every one of {@code words}, and returns that exception.
   */
  public static FlightRuntimeException assertStatus(
      ThrowingCallable call, FlightStatusCode code, String... words) {
    FlightRuntimeException[] caught = new FlightRuntimeException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              caught[0] = e;
              assertThat(e.status().code()).as("status of %s", e).isEqualTo(code);
              String description = e.status().description();
              for (String word : words) {
                assertThat(description).as("description of %s", e).contains(word);
              }
            });
    return caught[0];
  }
}
