package com.foobar.jdbc.config;

/**
 * What the driver does when the primary fails (property {@code failover}).
 */
public enum FailoverMode implements PropertyChoice {
    /** The driver promotes the most up-to-date replica itself, re-points the others and fences the old primary (not yet released: see the README). */
    PROMOTE("promote"),
    /** An external tool (Orchestrator, MaxScale, an operator) promotes; the driver finds the new primary and adopts it. */
    FOLLOW("follow"),
    /** Nothing is promoted: writes fail with 08001 until the primary returns. The default until promotion is released. */
    NONE("none");

    private final String propertyValue;

    FailoverMode(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    @Override
    public String propertyValue() {
        return propertyValue;
    }
}
