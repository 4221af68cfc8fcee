package com.foobar.jdbc.jdbc;

import java.sql.SQLException;

/**
 * A function that may throw {@link SQLException}, for passing JDBC calls around as lambdas.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SqlFunction<T, R> {

    /**
     * Applies this function.
     *
     * @param t the argument
     * @return the result
     * @throws SQLException if the underlying JDBC call fails
     */
    R apply(T t) throws SQLException;
}
