package com.foobar.jdbc.config;

/**
 * How reads are spread over the eligible replicas (property {@code loadBalance}).
 */
public enum LoadBalance {
    /** Each read goes to the next replica in turn. The default. */
    ROUND_ROBIN("roundRobin");

    private final String propertyValue;

    LoadBalance(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    /** @return the value as written in a URL or {@code Properties} */
    public String propertyValue() {
        return propertyValue;
    }
}
