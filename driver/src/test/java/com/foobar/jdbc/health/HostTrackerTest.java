package com.foobar.jdbc.health;

import com.foobar.jdbc.health.HostTracker.Transition;
import com.foobar.jdbc.topology.HostSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When one host leaves and returns to the read rotation, from its consecutive health checks (no database).
 */
class HostTrackerTest {

    private static final HostSpec R1 = new HostSpec("r1", 3306);

    private static HostTracker inRotation(int failureThreshold, int recoveryThreshold) {
        return new HostTracker(R1, failureThreshold, recoveryThreshold, true, null);
    }

    private static HostTracker excluded(int failureThreshold, int recoveryThreshold, String reason) {
        return new HostTracker(R1, failureThreshold, recoveryThreshold, false, reason);
    }

    // ------------------------------------------------------------------ initial state

    @Test
    void startsInRotationWithoutReason() {
        HostTracker t = new HostTracker(R1, 2, 2, true, "ignored: the host is in");
        assertThat(t.host()).isEqualTo(R1);
        assertThat(t.inRotation()).isTrue();
        assertThat(t.reason()).isNull();
        assertThat(t.failures()).isZero();
    }

    @Test
    void startsExcludedWithDiscoveryReason() {
        HostTracker t = excluded(2, 2, "unreachable: connection refused");
        assertThat(t.inRotation()).isFalse();
        assertThat(t.reason()).isEqualTo("unreachable: connection refused");
    }

    // ------------------------------------------------------------------ failure threshold

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void leavesAfterExactlyFailureThresholdConsecutiveFailures(int threshold) {
        HostTracker t = inRotation(threshold, 2);
        for (int i = 1; i < threshold; i++) {
            assertThat(t.bad("unreachable: timeout", false)).as("failure %d of %d", i, threshold)
                    .isEqualTo(Transition.NONE);
            assertThat(t.inRotation()).isTrue();
            assertThat(t.reason()).isNull();
            assertThat(t.failures()).isEqualTo(i);
        }
        assertThat(t.bad("unreachable: timeout", false)).isEqualTo(Transition.EXCLUDED);
        assertThat(t.inRotation()).isFalse();
        assertThat(t.reason()).isEqualTo("unreachable: timeout");
        assertThat(t.failures()).isEqualTo(threshold);
    }

    @Test
    void aGoodCheckResetsTheFailureCount() {
        HostTracker t = inRotation(3, 2);
        for (int round = 0; round < 10; round++) {
            assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
            assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
            assertThat(t.good()).isEqualTo(Transition.NONE);
            assertThat(t.failures()).isZero();
            assertThat(t.inRotation()).as("round %d", round).isTrue();
        }
    }

    @Test
    void exclusionIsReportedOnceThenNone() {
        HostTracker t = inRotation(2, 2);
        t.bad("unreachable", false);
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.EXCLUDED);
        for (int i = 0; i < 5; i++) {
            assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
            assertThat(t.bad("replication lag 5000 ms > maxReplicationLagMs 1000", true)).isEqualTo(Transition.NONE);
        }
        assertThat(t.inRotation()).isFalse();
    }

    // ------------------------------------------------------------------ immediate exclusion

    @Test
    void immediateFailureLeavesAtOnceWhateverTheThreshold() {
        HostTracker t = inRotation(5, 2);
        assertThat(t.bad("replication lag 1500 ms > maxReplicationLagMs 1000", true)).isEqualTo(Transition.EXCLUDED);
        assertThat(t.inRotation()).isFalse();
        assertThat(t.reason()).isEqualTo("replication lag 1500 ms > maxReplicationLagMs 1000");
    }

    @Test
    void immediateFailureAfterSomeOrdinaryFailures() {
        HostTracker t = inRotation(5, 2);
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
        assertThat(t.bad("replicating from server_id 1, SQL thread stopped", true)).isEqualTo(Transition.EXCLUDED);
        assertThat(t.reason()).isEqualTo("replicating from server_id 1, SQL thread stopped");
    }

    // ------------------------------------------------------------------ recovery threshold

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void returnsAfterExactlyRecoveryThresholdConsecutiveGoodChecks(int threshold) {
        HostTracker t = inRotation(1, threshold);
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.EXCLUDED);
        for (int i = 1; i < threshold; i++) {
            assertThat(t.good()).as("good check %d of %d", i, threshold).isEqualTo(Transition.NONE);
            assertThat(t.inRotation()).isFalse();
            assertThat(t.reason()).as("reason kept while still out").isEqualTo("unreachable");
        }
        assertThat(t.good()).isEqualTo(Transition.RESTORED);
        assertThat(t.inRotation()).isTrue();
        assertThat(t.reason()).isNull();
        assertThat(t.failures()).isZero();
        // further good checks change nothing
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.inRotation()).isTrue();
    }

    @Test
    void hostExcludedAtDiscoveryReturnsAfterRecoveryThreshold() {
        HostTracker t = excluded(2, 2, "unreachable: connection refused");
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.inRotation()).isFalse();
        assertThat(t.good()).isEqualTo(Transition.RESTORED);
        assertThat(t.inRotation()).isTrue();
    }

    @Test
    void aFailedCheckRestartsTheRecoveryCount() {
        HostTracker t = inRotation(1, 3);
        t.bad("unreachable", false);
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.inRotation()).isFalse();
        assertThat(t.good()).isEqualTo(Transition.RESTORED);
    }

    @Test
    void afterReturningItNeedsTheFullFailureThresholdAgain() {
        HostTracker t = inRotation(2, 2);
        t.bad("unreachable", false);
        t.bad("unreachable", false);
        t.good();
        assertThat(t.good()).isEqualTo(Transition.RESTORED);
        assertThat(t.bad("unreachable", false)).as("one failure after returning").isEqualTo(Transition.NONE);
        assertThat(t.inRotation()).isTrue();
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.EXCLUDED);
    }

    // ------------------------------------------------------------------ flapping

    @Test
    void aFlappingHostIsNeverRestoredWithRecoveryThresholdTwo() {
        HostTracker t = inRotation(2, 2);
        t.bad("unreachable", false);
        assertThat(t.bad("unreachable", false)).isEqualTo(Transition.EXCLUDED);
        List<Transition> transitions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            transitions.add(t.good());
            assertThat(t.inRotation()).as("after good check %d", i).isFalse();
            transitions.add(t.bad("unreachable: flapping", false));
            assertThat(t.inRotation()).as("after bad check %d", i).isFalse();
        }
        assertThat(transitions).containsOnly(Transition.NONE);
    }

    @Test
    void aFlappingHostInRotationIsNotBouncedOutWithFailureThresholdTwo() {
        HostTracker t = inRotation(2, 2);
        for (int i = 0; i < 1000; i++) {
            assertThat(t.bad("unreachable", false)).isEqualTo(Transition.NONE);
            assertThat(t.good()).isEqualTo(Transition.NONE);
        }
        assertThat(t.inRotation()).isTrue();
    }

    @Test
    void flappingOutThenStableReturnsExactlyOnce() {
        HostTracker t = inRotation(2, 2);
        t.bad("a", false);
        t.bad("a", false);
        for (int i = 0; i < 10; i++) {
            t.good();
            t.bad("a", false);
        }
        assertThat(t.good()).isEqualTo(Transition.NONE);
        assertThat(t.good()).isEqualTo(Transition.RESTORED);
        assertThat(t.good()).isEqualTo(Transition.NONE);
    }

    // ------------------------------------------------------------------ reason

    @Test
    void reasonIsKeptWhileOutAndFollowsTheLatestFailure() {
        HostTracker t = inRotation(1, 3);
        t.bad("replication lag 1500 ms > maxReplicationLagMs 1000", true);
        assertThat(t.reason()).isEqualTo("replication lag 1500 ms > maxReplicationLagMs 1000");
        t.good();
        t.good();
        assertThat(t.reason()).as("good checks short of recoveryThreshold keep the reason")
                .isEqualTo("replication lag 1500 ms > maxReplicationLagMs 1000");
        t.bad("unreachable: connection refused", false);
        assertThat(t.reason()).as("a newer failure while out updates the reason")
                .isEqualTo("unreachable: connection refused");
        assertThat(t.inRotation()).isFalse();
    }

    @Test
    void failuresBelowTheThresholdLeaveNoReason() {
        HostTracker t = inRotation(3, 2);
        t.bad("unreachable", false);
        t.bad("unreachable", false);
        assertThat(t.reason()).isNull();
    }
}
