package com.foobar.jdbc.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Topology resolution from hand-made probe results (no database).
 */
class TopologyResolverTest {

    private static final String CLUSTER = "h1:3306,h2:3306,h3:3306/app";

    private static final HostSpec H1 = new HostSpec("h1", 3306);
    private static final HostSpec H2 = new HostSpec("h2", 3306);
    private static final HostSpec H3 = new HostSpec("h3", 3306);
    private static final HostSpec H4 = new HostSpec("h4", 3306);

    private static final long PRIMARY_ID = 1;

    private static HostStatus primary(HostSpec h, long serverId) {
        return new HostStatus(h, true, false, serverId, "11.4.5-MariaDB", ReplicationStatus.NONE, null);
    }

    private static ReplicationStatus following(long sourceId) {
        return new ReplicationStatus(true, true, true, true, sourceId, 0L, null);
    }

    private static HostStatus replica(HostSpec h, long serverId, ReplicationStatus replication) {
        return new HostStatus(h, true, true, serverId, "11.4.5-MariaDB", replication, null);
    }

    private static HostStatus replica(HostSpec h, long serverId) {
        return replica(h, serverId, following(PRIMARY_ID));
    }

    private static ClusterUnavailableException unavailable(List<HostStatus> statuses) {
        ClusterUnavailableException e = catchThrowableOfType(ClusterUnavailableException.class,
                () -> TopologyResolver.resolve(CLUSTER, statuses));
        assertThat((Throwable) e).as("resolve must fail").isNotNull();
        assertThat(e.getSQLState()).isEqualTo("08001");
        return e;
    }

    @Test
    void primaryAndTwoReplicasInUrlOrder() throws Exception {
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(
                replica(H1, 3), primary(H2, PRIMARY_ID), replica(H3, 2)));
        assertThat(t.primary()).isEqualTo(H2);
        assertThat(t.replicas()).containsExactly(H1, H3);
        assertThat(t.hosts()).containsOnlyKeys(H1, H2, H3);
        assertThat(t.hosts().keySet()).containsExactly(H1, H2, H3);
        assertThat(t.hosts().get(H2).serverId()).isEqualTo(PRIMARY_ID);
    }

    @Test
    void primaryFirst() throws Exception {
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(
                primary(H1, PRIMARY_ID), replica(H2, 2), replica(H3, 3)));
        assertThat(t.primary()).isEqualTo(H1);
        assertThat(t.replicas()).containsExactly(H2, H3);
    }

    @Test
    void primaryAlone() throws Exception {
        Topology t = TopologyResolver.resolve("h1:3306/app", List.of(primary(H1, PRIMARY_ID)));
        assertThat(t.primary()).isEqualTo(H1);
        assertThat(t.replicas()).isEmpty();
    }

    @Test
    void unreachableReplicaLeftOutButReported() throws Exception {
        HostStatus down = HostStatus.unreachable(H3, "Communications link failure");
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2), down));
        assertThat(t.primary()).isEqualTo(H1);
        assertThat(t.replicas()).containsExactly(H2);
        assertThat(t.hosts()).containsEntry(H3, down);
    }

    @Test
    void replicaWithStoppedSqlThreadLeftOut() throws Exception {
        HostStatus stopped = replica(H3, 3, new ReplicationStatus(true, true, true, false, PRIMARY_ID, null, null));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2), stopped));
        assertThat(t.replicas()).containsExactly(H2);
    }

    @Test
    void replicaWithStoppedIoThreadLeftOut() throws Exception {
        HostStatus stopped = replica(H3, 3, new ReplicationStatus(true, true, false, true, PRIMARY_ID, null, null));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2), stopped));
        assertThat(t.replicas()).containsExactly(H2);
    }

    @Test
    void replicaWithErrorLeftOut() throws Exception {
        // An SQL-thread error stops the SQL thread: the replica is out.
        HostStatus broken = replica(H2, 2, new ReplicationStatus(true, true, true, false, PRIMARY_ID, null,
                "Error 'Duplicate entry' on query"));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), broken, replica(H3, 3)));
        assertThat(t.replicas()).containsExactly(H3);
    }

    @Test
    void staleErrorWithBothThreadsRunningOrReconnectingIsKept() throws Exception {
        // The I/O thread reconnecting to a primary that restarted (Slave_IO_Running: Connecting) keeps its last
        // error text; the replica still serves what it has, its lag bounds the staleness.
        HostStatus reconnecting = replica(H2, 2, new ReplicationStatus(true, true, null, true, PRIMARY_ID, null,
                "error reconnecting to master"));
        HostStatus stale = replica(H3, 3, new ReplicationStatus(true, true, true, true, PRIMARY_ID, 0L,
                "error reconnecting to master"));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), reconnecting, stale));
        assertThat(t.replicas()).containsExactly(H2, H3);
    }

    @Test
    void readOnlyHostNotReplicatingLeftOut() throws Exception {
        HostStatus idle = replica(H2, 2, ReplicationStatus.NONE);
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), idle, replica(H3, 3)));
        assertThat(t.replicas()).containsExactly(H3);
    }

    @Test
    void replicaFollowingAnotherServerLeftOut() throws Exception {
        HostStatus elsewhere = replica(H2, 2, following(99));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), elsewhere, replica(H3, 3)));
        assertThat(t.replicas()).containsExactly(H3);
    }

    @Test
    void leastPrivilegeReplicaKept() throws Exception {
        HostStatus unknownSource = replica(H3, 3, new ReplicationStatus(false, true, null, null, null, null, null));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2), unknownSource));
        assertThat(t.replicas()).containsExactly(H2, H3);
    }

    @Test
    void leastPrivilegeHostWhoseReplicationDoesNotRunLeftOut() throws Exception {
        HostStatus notRunning = replica(H3, 3, new ReplicationStatus(false, false, null, null, null, null, null));
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2), notRunning));
        assertThat(t.replicas()).containsExactly(H2);
    }

    @Test
    void leastPrivilegePrimaryIsFound() throws Exception {
        HostStatus p = new HostStatus(H1, true, false, PRIMARY_ID, "11.4.5-MariaDB",
                new ReplicationStatus(false, false, null, null, null, null, null), null);
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(p, replica(H2, 2), replica(H3, 3)));
        assertThat(t.primary()).isEqualTo(H1);
        assertThat(t.replicas()).containsExactly(H2, H3);
    }

    @Test
    void noWritableHostFailsNamingEveryHostAndItsState() {
        HostStatus r2 = replica(H2, 2);
        HostStatus r3 = replica(H3, 3, new ReplicationStatus(true, true, true, false, PRIMARY_ID, null, null));
        HostStatus down = HostStatus.unreachable(H1, "Connection refused");
        ClusterUnavailableException e = unavailable(List.of(down, r2, r3));
        assertThat(e.getMessage())
                .contains(CLUSTER)
                .contains(H1.toString()).contains("unreachable").contains("Connection refused")
                .contains(H2.toString()).contains(H3.toString())
                .contains("read-only")
                .contains("SQL thread stopped");
        assertThat(e.getMessage()).contains(r2.describe()).contains(r3.describe()).contains(down.describe());
    }

    @Test
    void twoWritableHostsFail() {
        ClusterUnavailableException e = unavailable(List.of(primary(H1, 1), primary(H2, 2), replica(H3, 3)));
        assertThat(e.getMessage()).contains("More than one writable host")
                .contains(H1.toString()).contains(H2.toString()).contains(H3.toString());
    }

    @Test
    void twoWritableHostsFailEvenIfOneReplicates() {
        HostStatus writableReplica = new HostStatus(H2, true, false, 2, "11.4.5-MariaDB", following(PRIMARY_ID), null);
        ClusterUnavailableException e = unavailable(List.of(primary(H1, PRIMARY_ID), writableReplica, replica(H3, 3)));
        assertThat(e.getMessage()).contains("More than one writable host");
    }

    @Test
    void writableHostThatReplicatesIsNoPrimary() {
        HostStatus writableReplica = new HostStatus(H1, true, false, 1, "11.4.5-MariaDB", following(7), null);
        ClusterUnavailableException e = unavailable(List.of(writableReplica, replica(H2, 2), replica(H3, 3)));
        assertThat(e.getMessage()).contains(H1.toString()).contains("writable").contains("replicating from server_id 7");
    }

    @Test
    void writableHostThatReplicatesLeastPrivilegeIsNoPrimary() {
        HostStatus writableReplica = new HostStatus(H1, true, false, 1, "11.4.5-MariaDB",
                new ReplicationStatus(false, true, null, null, null, null, null), null);
        unavailable(List.of(writableReplica, replica(H2, 2), replica(H3, 3)));
    }

    @Test
    void allUnreachableFails() {
        ClusterUnavailableException e = unavailable(List.of(
                HostStatus.unreachable(H1, "Connection refused"),
                HostStatus.unreachable(H2, "Read timed out"),
                HostStatus.unreachable(H3, "Unknown host")));
        assertThat(e.getMessage()).contains(H1.toString()).contains(H2.toString()).contains(H3.toString())
                .contains("Connection refused").contains("Read timed out").contains("Unknown host");
    }

    @Test
    void unreachableHostIsNotCountedAsWritable() throws Exception {
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(
                HostStatus.unreachable(H1, "Connection refused"), primary(H2, PRIMARY_ID), replica(H3, 3),
                replica(H4, 4)));
        assertThat(t.primary()).isEqualTo(H2);
        assertThat(t.replicas()).containsExactly(H3, H4);
    }

    @Test
    void topologyIsImmutable() throws Exception {
        Topology t = TopologyResolver.resolve(CLUSTER, List.of(primary(H1, PRIMARY_ID), replica(H2, 2)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.replicas().add(H3))
                .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.hosts().remove(H1))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
