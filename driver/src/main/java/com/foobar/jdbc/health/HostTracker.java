package com.foobar.jdbc.health;

import com.foobar.jdbc.topology.HostSpec;

/**
 * Whether one host is in the read rotation, decided from its consecutive health checks: it leaves after
 * {@code failureThreshold} consecutive failed checks (at once for a failure that makes its data unsafe to
 * read: too much lag, replication stopped or broken), and returns after {@code recoveryThreshold}
 * consecutive good checks, so a flapping host is not bounced in and out.
 *
 * <p>Not thread-safe: each host's checks run one at a time on the monitor, which owns its tracker.
 */
final class HostTracker {

    /** What one check changed. */
    enum Transition { NONE, EXCLUDED, RESTORED }

    private final HostSpec host;
    private final int failureThreshold;
    private final int recoveryThreshold;
    private boolean inRotation;
    private String reason;
    private int failures;
    private int successes;

    /**
     * @param host              the host tracked
     * @param failureThreshold  consecutive failed checks before it leaves the rotation, at least 1
     * @param recoveryThreshold consecutive good checks before it returns, at least 1
     * @param inRotation        its state after discovery
     * @param reason            why it is out, when it is
     */
    HostTracker(HostSpec host, int failureThreshold, int recoveryThreshold, boolean inRotation, String reason) {
        this.host = host;
        this.failureThreshold = failureThreshold;
        this.recoveryThreshold = recoveryThreshold;
        this.inRotation = inRotation;
        this.reason = inRotation ? null : reason;
    }

    /**
     * Records a good check.
     *
     * @return {@link Transition#RESTORED} when this check brings the host back
     */
    Transition good() {
        failures = 0;
        successes++;
        if (!inRotation && successes >= recoveryThreshold) {
            inRotation = true;
            reason = null;
            return Transition.RESTORED;
        }
        return Transition.NONE;
    }

    /**
     * Records a failed check.
     *
     * @param why       what failed, for logs and listeners
     * @param immediate whether the failure makes the host's data unsafe to read now (no threshold)
     * @return {@link Transition#EXCLUDED} when this check takes the host out
     */
    Transition bad(String why, boolean immediate) {
        successes = 0;
        failures++;
        if (!inRotation) {
            reason = why;
            return Transition.NONE;
        }
        if (immediate || failures >= failureThreshold) {
            inRotation = false;
            reason = why;
            return Transition.EXCLUDED;
        }
        return Transition.NONE;
    }

    /**
     * Sets the state directly (a new primary is in; an old primary is out), clearing the counts.
     *
     * @param in  whether the host is in the rotation
     * @param why why it is out, when it is
     */
    void force(boolean in, String why) {
        inRotation = in;
        reason = in ? null : why;
        failures = 0;
        successes = 0;
    }

    HostSpec host() {
        return host;
    }

    boolean inRotation() {
        return inRotation;
    }

    /** @return why the host is out of the rotation, or {@code null} while it is in */
    String reason() {
        return reason;
    }

    /** @return consecutive failed checks so far */
    int failures() {
        return failures;
    }
}
