package com.foobar.jdbc.health;

/**
 * Receives a cluster's state changes: a replica leaving or returning to the read rotation, the primary
 * becoming unreachable or reachable, reads running out of replicas.
 *
 * <p>Register one with {@code FoobarDataSource.addClusterListener(listener)} or
 * {@code connection.unwrap(FoobarConnection.class).cluster().addListener(listener)}. Events are delivered
 * on the cluster's monitor thread, one at a time, in the order they happen: keep the method short and do
 * not block in it. An exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ClusterListener {

    /**
     * @param event what changed
     */
    void onEvent(ClusterEvent event);
}
