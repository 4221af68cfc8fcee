package com.foobar.jdbc.config;

/**
 * What a read does when no replica is eligible (property {@code readFallback}).
 */
public enum ReadFallback implements PropertyChoice {
    /** The primary serves the read (said once at WARN each time it starts). The default. */
    PRIMARY("primary"),
    /** The read fails fast with {@code SQLTransientConnectionException} (08001) naming every replica and why it is out. */
    FAIL("fail");

    private final String propertyValue;

    ReadFallback(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    @Override
    public String propertyValue() {
        return propertyValue;
    }
}
