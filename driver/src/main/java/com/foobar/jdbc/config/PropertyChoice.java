package com.foobar.jdbc.config;

/**
 * An enumerated property value: the constant's name as written in a URL or {@code Properties}.
 */
public interface PropertyChoice {

    /** @return the value as written, e.g. {@code roundRobin} */
    String propertyValue();
}
