package dev.flightlab.jvm;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * This JVM's CPU and JIT compilation time so far: what the {@code stats} action reports, and what
 * {@code flightlab bench} records per iteration on its own side.
 */
public final class JvmTimes {
  private JvmTimes() {}

  /** CPU time of the whole process (all threads) in nanoseconds, or -1 where it cannot tell. */
  public static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long cpu = os.getProcessCpuTime();
      return cpu < 0 ? -1 : cpu;
    }
    return -1;
  }

  /**
   * Time the JIT compiler threads have spent compiling, summed over them, in nanoseconds
   * (millisecond resolution), or -1 where the JVM does not monitor it.
   */
  public static long jitCompileNanos() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return -1;
    }
    return jit.getTotalCompilationTime() * 1_000_000L;
  }
}
