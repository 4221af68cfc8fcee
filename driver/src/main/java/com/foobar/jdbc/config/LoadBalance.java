package com.foobar.jdbc.config;

/**
 * How reads are spread over the eligible replicas (property {@code loadBalance}).
 */
public enum LoadBalance implements PropertyChoice {
    /** Each read goes to the next replica in turn. The default. */
    ROUND_ROBIN("roundRobin"),
    /** Each read goes to the replica with the fewest statements in flight from this JVM. */
    LEAST_CONNECTIONS("leastConnections"),
    /** Reads follow the weights of {@code replicaWeights} (a replica with no weight has weight 1). */
    WEIGHTED("weighted"),
    /** Each read goes to the replica with the lowest recent response time (exponentially weighted average). */
    FASTEST("fastest");

    private final String propertyValue;

    LoadBalance(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    @Override
    public String propertyValue() {
        return propertyValue;
    }
}
