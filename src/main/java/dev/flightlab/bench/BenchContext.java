package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a workload works with: the options of its point, the connections, an allocator for its data,
 * and the threads its streams run on.
 *
 * @param options the options in force at this point of the grid
 * @param clients the connections; stream i uses {@code clients.get(i % clients.size())}
 * @param allocator allocator for generated data (a child of the run's root)
 * @param streamThreads one thread per stream
 * @param helperThreads threads for work a stream does on the side (Arrow's DoExchange reader)
 * @param flightlabServer true when the server is flightlab (drop, stats and per-batch acks)
 * @param serverTimes true when the server is flightlab in another JVM: its CPU and JIT time are
 *     read from {@code stats} before and after each iteration
 */
public record BenchContext(
    BenchOptions options,
    List<FlightLabClient> clients,
    BufferAllocator allocator,
    ExecutorService streamThreads,
    ExecutorService helperThreads,
    boolean flightlabServer,
    boolean serverTimes) {

  /** The connection stream {@code stream} uses. */
  public FlightLabClient client(int stream) {
    return clients.get(stream % clients.size());
  }
}
