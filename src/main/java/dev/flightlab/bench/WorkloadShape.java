package dev.flightlab.bench;

/**
 * What a point's figures depend on: the workload and where its server ran. A baseline compares
 * points of equal shapes only, so a run is never judged against a different workload; how long or
 * how often either measured does not matter.
 *
 * @param op the workload
 * @param data what each stream sent
 * @param concurrency streams and connections
 * @param transfer the client and compression
 * @param metadataCalls calls per stream and iteration ({@code metadata})
 * @param dataset the existing dataset read ({@code get --dataset}), or null
 * @param server where the server ran: embedded, process or external
 * @param tls whether the connection was TLS
 */
public record WorkloadShape(
    Op op,
    DataOptions data,
    ConcurrencyOptions concurrency,
    TransferOptions transfer,
    int metadataCalls,
    String dataset,
    String server,
    boolean tls) {}
