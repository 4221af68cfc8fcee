package com.foobar.jdbc.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * Gives {@link FoobarDatabaseMetaData} access to the metadata of a physical connection.
 *
 * <p>Implemented by the logical connection, which chooses the physical connection.
 */
public interface MetaDataAccess {

    /**
     * Runs one call against the {@link DatabaseMetaData} of a physical connection chosen by the logical connection,
     * returns that physical connection afterwards, and returns the call's result. Result sets returned by the call
     * stay valid after this method returns (until they are closed).
     *
     * @param call the call to run; must not keep the metadata object
     * @param <R> the result type
     * @return the call's result
     * @throws SQLException if no physical connection can be obtained or the call fails
     */
    <R> R withMetaData(SqlFunction<DatabaseMetaData, R> call) throws SQLException;
}
