package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

/**
 * What the balancers may know about a host, measured in this JVM.
 *
 * <p>Implementations are thread-safe and lock-free.
 */
public interface HostStats {

    /** No statistics: every host looks idle and unmeasured. */
    HostStats NONE = new HostStats() {
        @Override
        public int inFlight(HostSpec host) {
            return 0;
        }

        @Override
        public long responseNanos(HostSpec host) {
            return 0;
        }
    };

    /**
     * @param host a host
     * @return statements in flight on it from this JVM
     */
    int inFlight(HostSpec host);

    /**
     * @param host a host
     * @return its recent response time (exponentially weighted average), ns; 0 if not measured yet
     */
    long responseNanos(HostSpec host);
}
