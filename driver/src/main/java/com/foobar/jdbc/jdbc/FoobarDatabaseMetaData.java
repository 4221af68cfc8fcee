package com.foobar.jdbc.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The {@link DatabaseMetaData} of a logical Foobar connection.
 *
 * <p>Every method not documented here runs {@code access.withMetaData(md -> md.sameMethod(args))}: the
 * logical connection picks a physical connection, the call runs against that connection's metadata, and the
 * physical connection is handed back afterwards. Result sets returned by metadata methods are wrapped in a
 * {@link FoobarResultSet} whose {@link ResultSet#getStatement()} is {@code null} (as JDBC requires for
 * metadata result sets); they stay valid after the call.
 *
 * <p>Not delegated: {@link #getConnection()} (the logical connection), {@link #getURL()} (the
 * {@code jdbc:foobar} URL, not one host's {@code jdbc:mysql} URL), and the driver name/version methods,
 * which describe Foobar JDBC (and mention the physical driver).
 *
 * <p>Holds no mutable state; thread-safety is that of the {@link MetaDataAccess}.
 */
public final class FoobarDatabaseMetaData implements DatabaseMetaData {

    /** The Foobar JDBC driver version reported by {@link #getDriverVersion()}. */
    public static final String DRIVER_VERSION = "0.1.0";

    private final Connection logicalConnection;
    private final String url;
    private final MetaDataAccess access;

    /**
     * Creates the metadata of a logical connection.
     *
     * @param logicalConnection the logical connection returned by {@link #getConnection()}, not null
     * @param url the logical ({@code jdbc:foobar}) URL returned by {@link #getURL()}; may be null
     * @param access runs calls against the metadata of a physical connection, not null
     */
    public FoobarDatabaseMetaData(Connection logicalConnection, String url, MetaDataAccess access) {
        this.logicalConnection = Objects.requireNonNull(logicalConnection, "logicalConnection");
        this.url = url;
        this.access = Objects.requireNonNull(access, "access");
    }

    private static ResultSet wrap(ResultSet rs) {
        return rs == null ? null : new FoobarResultSet(rs, null, null);
    }

    /** Returns the logical connection that produced this object. */
    @Override
    public Connection getConnection() {
        return logicalConnection;
    }

    /** Returns the logical URL given at construction; it is not forwarded to the physical metadata. */
    @Override
    public String getURL() {
        return url;
    }

    /** Returns {@code "Foobar JDBC (over <physical driver name>)"}. */
    @Override
    public String getDriverName() throws SQLException {
        return "Foobar JDBC (over " + access.withMetaData(DatabaseMetaData::getDriverName) + ")";
    }

    /** Returns {@link #DRIVER_VERSION} followed by {@code " / "} and the physical driver version. */
    @Override
    public String getDriverVersion() throws SQLException {
        return DRIVER_VERSION + " / " + access.withMetaData(DatabaseMetaData::getDriverVersion);
    }

    /** Returns the Foobar JDBC major version, 0. */
    @Override
    public int getDriverMajorVersion() {
        return 0;
    }

    /** Returns the Foobar JDBC minor version, 1. */
    @Override
    public int getDriverMinorVersion() {
        return 1;
    }

    @Override
    public boolean allProceduresAreCallable() throws SQLException {
        return access.withMetaData(DatabaseMetaData::allProceduresAreCallable);
    }

    @Override
    public boolean allTablesAreSelectable() throws SQLException {
        return access.withMetaData(DatabaseMetaData::allTablesAreSelectable);
    }

    @Override
    public String getUserName() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getUserName);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return access.withMetaData(DatabaseMetaData::isReadOnly);
    }

    @Override
    public boolean nullsAreSortedHigh() throws SQLException {
        return access.withMetaData(DatabaseMetaData::nullsAreSortedHigh);
    }

    @Override
    public boolean nullsAreSortedLow() throws SQLException {
        return access.withMetaData(DatabaseMetaData::nullsAreSortedLow);
    }

    @Override
    public boolean nullsAreSortedAtStart() throws SQLException {
        return access.withMetaData(DatabaseMetaData::nullsAreSortedAtStart);
    }

    @Override
    public boolean nullsAreSortedAtEnd() throws SQLException {
        return access.withMetaData(DatabaseMetaData::nullsAreSortedAtEnd);
    }

    @Override
    public String getDatabaseProductName() throws SQLException {
        return access.withMetaData(md -> isMariaDb(md) ? "MariaDB" : md.getDatabaseProductName());
    }

    /**
     * Connector/J reports a MariaDB server as "MySQL"; frameworks that pick their SQL dialect from the
     * product name (Hibernate 6 and 7) then write MySQL-only SQL. The server's own version says MariaDB.
     */
    private static boolean isMariaDb(DatabaseMetaData md) throws SQLException {
        String version = md.getDatabaseProductVersion();
        return version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    @Override
    public String getDatabaseProductVersion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getDatabaseProductVersion);
    }

    @Override
    public boolean usesLocalFiles() throws SQLException {
        return access.withMetaData(DatabaseMetaData::usesLocalFiles);
    }

    @Override
    public boolean usesLocalFilePerTable() throws SQLException {
        return access.withMetaData(DatabaseMetaData::usesLocalFilePerTable);
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMixedCaseIdentifiers);
    }

    @Override
    public boolean storesUpperCaseIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesUpperCaseIdentifiers);
    }

    @Override
    public boolean storesLowerCaseIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesLowerCaseIdentifiers);
    }

    @Override
    public boolean storesMixedCaseIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesMixedCaseIdentifiers);
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMixedCaseQuotedIdentifiers);
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesUpperCaseQuotedIdentifiers);
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesLowerCaseQuotedIdentifiers);
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
        return access.withMetaData(DatabaseMetaData::storesMixedCaseQuotedIdentifiers);
    }

    @Override
    public String getIdentifierQuoteString() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getIdentifierQuoteString);
    }

    @Override
    public String getSQLKeywords() throws SQLException {
        return access.withMetaData(md -> isMariaDb(md) ? MARIADB_KEYWORDS : md.getSQLKeywords());
    }

    /**
     * MariaDB's reserved words that are not SQL:2003 keywords (MariaDB Knowledge Base, "Reserved Words").
     * Connector/J reads them from {@code INFORMATION_SCHEMA.KEYWORDS.RESERVED}, a MySQL 8 column MariaDB
     * lacks, so its {@code getSQLKeywords()} fails there (and Hibernate then boots without JDBC metadata).
     */
    static final String MARIADB_KEYWORDS = "ACCESSIBLE,ANALYZE,ASENSITIVE,AUTO_INCREMENT,BIGINT,BINARY,BLOB,CHANGE,"
            + "DATABASE,DATABASES,DAY_HOUR,DAY_MICROSECOND,DAY_MINUTE,DAY_SECOND,DELAYED,DELETE_DOMAIN_ID,DISTINCTROW,"
            + "DIV,DO_DOMAIN_IDS,DUAL,ELSEIF,ENCLOSED,ESCAPED,EXPLAIN,FLOAT4,FLOAT8,FORCE,FULLTEXT,GENERAL,HIGH_PRIORITY,"
            + "HOUR_MICROSECOND,HOUR_MINUTE,HOUR_SECOND,IGNORE,IGNORE_DOMAIN_IDS,IGNORE_SERVER_IDS,INDEX,INFILE,INT1,INT2,"
            + "INT3,INT4,INT8,ITERATE,KEYS,KILL,LEAVE,LIMIT,LINEAR,LINES,LOAD,LOCK,LONG,LONGBLOB,LONGTEXT,LOOP,"
            + "LOW_PRIORITY,MASTER_HEARTBEAT_PERIOD,MASTER_SSL_VERIFY_SERVER_CERT,MAXVALUE,MEDIUMBLOB,MEDIUMINT,MEDIUMTEXT,"
            + "MIDDLEINT,MINUTE_MICROSECOND,MINUTE_SECOND,MOD,MODIFIES,NO_WRITE_TO_BINLOG,OFFSET,OPTIMIZE,OPTIONALLY,"
            + "OUTFILE,PAGE_CHECKSUM,PARSE_VCOL_EXPR,POSITION,PURGE,READS,READ_WRITE,REGEXP,RENAME,REPEAT,REPLACE,REQUIRE,"
            + "RESIGNAL,RESTRICT,RETURNING,RLIKE,ROWNUM,SCHEMAS,SECOND_MICROSECOND,SEPARATOR,SHOW,SIGNAL,SLOW,SPATIAL,"
            + "SQL_BIG_RESULT,SQL_CALC_FOUND_ROWS,SQL_SMALL_RESULT,SQLEXCEPTION,SSL,STARTING,STATS_AUTO_RECALC,"
            + "STATS_PERSISTENT,STATS_SAMPLE_PAGES,STRAIGHT_JOIN,TERMINATED,TINYBLOB,TINYINT,TINYTEXT,UNDO,UNLOCK,UNSIGNED,"
            + "USAGE,USE,UTC_DATE,UTC_TIME,UTC_TIMESTAMP,VARBINARY,VARCHARACTER,WHILE,XOR,YEAR_MONTH,ZEROFILL";

    @Override
    public String getNumericFunctions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getNumericFunctions);
    }

    @Override
    public String getStringFunctions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getStringFunctions);
    }

    @Override
    public String getSystemFunctions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getSystemFunctions);
    }

    @Override
    public String getTimeDateFunctions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getTimeDateFunctions);
    }

    @Override
    public String getSearchStringEscape() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getSearchStringEscape);
    }

    @Override
    public String getExtraNameCharacters() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getExtraNameCharacters);
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsAlterTableWithAddColumn);
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsAlterTableWithDropColumn);
    }

    @Override
    public boolean supportsColumnAliasing() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsColumnAliasing);
    }

    @Override
    public boolean nullPlusNonNullIsNull() throws SQLException {
        return access.withMetaData(DatabaseMetaData::nullPlusNonNullIsNull);
    }

    @Override
    public boolean supportsConvert() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsConvert);
    }

    @Override
    public boolean supportsConvert(int fromType, int toType) throws SQLException {
        return access.withMetaData(md -> md.supportsConvert(fromType, toType));
    }

    @Override
    public boolean supportsTableCorrelationNames() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsTableCorrelationNames);
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsDifferentTableCorrelationNames);
    }

    @Override
    public boolean supportsExpressionsInOrderBy() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsExpressionsInOrderBy);
    }

    @Override
    public boolean supportsOrderByUnrelated() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOrderByUnrelated);
    }

    @Override
    public boolean supportsGroupBy() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsGroupBy);
    }

    @Override
    public boolean supportsGroupByUnrelated() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsGroupByUnrelated);
    }

    @Override
    public boolean supportsGroupByBeyondSelect() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsGroupByBeyondSelect);
    }

    @Override
    public boolean supportsLikeEscapeClause() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsLikeEscapeClause);
    }

    @Override
    public boolean supportsMultipleResultSets() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMultipleResultSets);
    }

    @Override
    public boolean supportsMultipleTransactions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMultipleTransactions);
    }

    @Override
    public boolean supportsNonNullableColumns() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsNonNullableColumns);
    }

    @Override
    public boolean supportsMinimumSQLGrammar() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMinimumSQLGrammar);
    }

    @Override
    public boolean supportsCoreSQLGrammar() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCoreSQLGrammar);
    }

    @Override
    public boolean supportsExtendedSQLGrammar() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsExtendedSQLGrammar);
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsANSI92EntryLevelSQL);
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsANSI92IntermediateSQL);
    }

    @Override
    public boolean supportsANSI92FullSQL() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsANSI92FullSQL);
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsIntegrityEnhancementFacility);
    }

    @Override
    public boolean supportsOuterJoins() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOuterJoins);
    }

    @Override
    public boolean supportsFullOuterJoins() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsFullOuterJoins);
    }

    @Override
    public boolean supportsLimitedOuterJoins() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsLimitedOuterJoins);
    }

    @Override
    public String getSchemaTerm() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getSchemaTerm);
    }

    @Override
    public String getProcedureTerm() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getProcedureTerm);
    }

    @Override
    public String getCatalogTerm() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getCatalogTerm);
    }

    @Override
    public boolean isCatalogAtStart() throws SQLException {
        return access.withMetaData(DatabaseMetaData::isCatalogAtStart);
    }

    @Override
    public String getCatalogSeparator() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getCatalogSeparator);
    }

    @Override
    public boolean supportsSchemasInDataManipulation() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSchemasInDataManipulation);
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSchemasInProcedureCalls);
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSchemasInTableDefinitions);
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSchemasInIndexDefinitions);
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSchemasInPrivilegeDefinitions);
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCatalogsInDataManipulation);
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCatalogsInProcedureCalls);
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCatalogsInTableDefinitions);
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCatalogsInIndexDefinitions);
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCatalogsInPrivilegeDefinitions);
    }

    @Override
    public boolean supportsPositionedDelete() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsPositionedDelete);
    }

    @Override
    public boolean supportsPositionedUpdate() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsPositionedUpdate);
    }

    @Override
    public boolean supportsSelectForUpdate() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSelectForUpdate);
    }

    @Override
    public boolean supportsStoredProcedures() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsStoredProcedures);
    }

    @Override
    public boolean supportsSubqueriesInComparisons() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSubqueriesInComparisons);
    }

    @Override
    public boolean supportsSubqueriesInExists() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSubqueriesInExists);
    }

    @Override
    public boolean supportsSubqueriesInIns() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSubqueriesInIns);
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSubqueriesInQuantifieds);
    }

    @Override
    public boolean supportsCorrelatedSubqueries() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsCorrelatedSubqueries);
    }

    @Override
    public boolean supportsUnion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsUnion);
    }

    @Override
    public boolean supportsUnionAll() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsUnionAll);
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOpenCursorsAcrossCommit);
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOpenCursorsAcrossRollback);
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOpenStatementsAcrossCommit);
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsOpenStatementsAcrossRollback);
    }

    @Override
    public int getMaxBinaryLiteralLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxBinaryLiteralLength);
    }

    @Override
    public int getMaxCharLiteralLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxCharLiteralLength);
    }

    @Override
    public int getMaxColumnNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnNameLength);
    }

    @Override
    public int getMaxColumnsInGroupBy() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnsInGroupBy);
    }

    @Override
    public int getMaxColumnsInIndex() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnsInIndex);
    }

    @Override
    public int getMaxColumnsInOrderBy() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnsInOrderBy);
    }

    @Override
    public int getMaxColumnsInSelect() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnsInSelect);
    }

    @Override
    public int getMaxColumnsInTable() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxColumnsInTable);
    }

    @Override
    public int getMaxConnections() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxConnections);
    }

    @Override
    public int getMaxCursorNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxCursorNameLength);
    }

    @Override
    public int getMaxIndexLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxIndexLength);
    }

    @Override
    public int getMaxSchemaNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxSchemaNameLength);
    }

    @Override
    public int getMaxProcedureNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxProcedureNameLength);
    }

    @Override
    public int getMaxCatalogNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxCatalogNameLength);
    }

    @Override
    public int getMaxRowSize() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxRowSize);
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
        return access.withMetaData(DatabaseMetaData::doesMaxRowSizeIncludeBlobs);
    }

    @Override
    public int getMaxStatementLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxStatementLength);
    }

    @Override
    public int getMaxStatements() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxStatements);
    }

    @Override
    public int getMaxTableNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxTableNameLength);
    }

    @Override
    public int getMaxTablesInSelect() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxTablesInSelect);
    }

    @Override
    public int getMaxUserNameLength() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxUserNameLength);
    }

    @Override
    public int getDefaultTransactionIsolation() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getDefaultTransactionIsolation);
    }

    @Override
    public boolean supportsTransactions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsTransactions);
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int level) throws SQLException {
        return access.withMetaData(md -> md.supportsTransactionIsolationLevel(level));
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsDataDefinitionAndDataManipulationTransactions);
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsDataManipulationTransactionsOnly);
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
        return access.withMetaData(DatabaseMetaData::dataDefinitionCausesTransactionCommit);
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
        return access.withMetaData(DatabaseMetaData::dataDefinitionIgnoredInTransactions);
    }

    @Override
    public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getProcedures(catalog, schemaPattern, procedureNamePattern)));
    }

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
            String columnNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getProcedureColumns(catalog, schemaPattern, procedureNamePattern,
                columnNamePattern)));
    }

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getTables(catalog, schemaPattern, tableNamePattern, types)));
    }

    @Override
    public ResultSet getSchemas() throws SQLException {
        return wrap(access.withMetaData(DatabaseMetaData::getSchemas));
    }

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return wrap(access.withMetaData(DatabaseMetaData::getCatalogs));
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return wrap(access.withMetaData(DatabaseMetaData::getTableTypes));
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getColumns(catalog, schemaPattern, tableNamePattern,
                columnNamePattern)));
    }

    @Override
    public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getColumnPrivileges(catalog, schema, table, columnNamePattern)));
    }

    @Override
    public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getTablePrivileges(catalog, schemaPattern, tableNamePattern)));
    }

    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getBestRowIdentifier(catalog, schema, table, scope, nullable)));
    }

    @Override
    public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
        return wrap(access.withMetaData(md -> md.getVersionColumns(catalog, schema, table)));
    }

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        return wrap(access.withMetaData(md -> md.getPrimaryKeys(catalog, schema, table)));
    }

    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return wrap(access.withMetaData(md -> md.getImportedKeys(catalog, schema, table)));
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return wrap(access.withMetaData(md -> md.getExportedKeys(catalog, schema, table)));
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
            String foreignCatalog, String foreignSchema, String foreignTable) throws SQLException {
        return wrap(access.withMetaData(md -> md.getCrossReference(parentCatalog, parentSchema, parentTable,
                foreignCatalog, foreignSchema, foreignTable)));
    }

    @Override
    public ResultSet getTypeInfo() throws SQLException {
        return wrap(access.withMetaData(DatabaseMetaData::getTypeInfo));
    }

    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getIndexInfo(catalog, schema, table, unique, approximate)));
    }

    @Override
    public boolean supportsResultSetType(int type) throws SQLException {
        return access.withMetaData(md -> md.supportsResultSetType(type));
    }

    @Override
    public boolean supportsResultSetConcurrency(int type, int concurrency) throws SQLException {
        return access.withMetaData(md -> md.supportsResultSetConcurrency(type, concurrency));
    }

    @Override
    public boolean ownUpdatesAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.ownUpdatesAreVisible(type));
    }

    @Override
    public boolean ownDeletesAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.ownDeletesAreVisible(type));
    }

    @Override
    public boolean ownInsertsAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.ownInsertsAreVisible(type));
    }

    @Override
    public boolean othersUpdatesAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.othersUpdatesAreVisible(type));
    }

    @Override
    public boolean othersDeletesAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.othersDeletesAreVisible(type));
    }

    @Override
    public boolean othersInsertsAreVisible(int type) throws SQLException {
        return access.withMetaData(md -> md.othersInsertsAreVisible(type));
    }

    @Override
    public boolean updatesAreDetected(int type) throws SQLException {
        return access.withMetaData(md -> md.updatesAreDetected(type));
    }

    @Override
    public boolean deletesAreDetected(int type) throws SQLException {
        return access.withMetaData(md -> md.deletesAreDetected(type));
    }

    @Override
    public boolean insertsAreDetected(int type) throws SQLException {
        return access.withMetaData(md -> md.insertsAreDetected(type));
    }

    @Override
    public boolean supportsBatchUpdates() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsBatchUpdates);
    }

    @Override
    public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getUDTs(catalog, schemaPattern, typeNamePattern, types)));
    }

    @Override
    public boolean supportsSavepoints() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSavepoints);
    }

    @Override
    public boolean supportsNamedParameters() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsNamedParameters);
    }

    @Override
    public boolean supportsMultipleOpenResults() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsMultipleOpenResults);
    }

    @Override
    public boolean supportsGetGeneratedKeys() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsGetGeneratedKeys);
    }

    @Override
    public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getSuperTypes(catalog, schemaPattern, typeNamePattern)));
    }

    @Override
    public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getSuperTables(catalog, schemaPattern, tableNamePattern)));
    }

    @Override
    public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
            String attributeNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getAttributes(catalog, schemaPattern, typeNamePattern,
                attributeNamePattern)));
    }

    @Override
    public boolean supportsResultSetHoldability(int holdability) throws SQLException {
        return access.withMetaData(md -> md.supportsResultSetHoldability(holdability));
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getResultSetHoldability);
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getDatabaseMajorVersion);
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getDatabaseMinorVersion);
    }

    @Override
    public int getJDBCMajorVersion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getJDBCMajorVersion);
    }

    @Override
    public int getJDBCMinorVersion() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getJDBCMinorVersion);
    }

    @Override
    public int getSQLStateType() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getSQLStateType);
    }

    @Override
    public boolean locatorsUpdateCopy() throws SQLException {
        return access.withMetaData(DatabaseMetaData::locatorsUpdateCopy);
    }

    @Override
    public boolean supportsStatementPooling() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsStatementPooling);
    }

    @Override
    public RowIdLifetime getRowIdLifetime() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getRowIdLifetime);
    }

    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getSchemas(catalog, schemaPattern)));
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsStoredFunctionsUsingCallSyntax);
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() throws SQLException {
        return access.withMetaData(DatabaseMetaData::autoCommitFailureClosesAllResultSets);
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        return wrap(access.withMetaData(DatabaseMetaData::getClientInfoProperties));
    }

    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
            throws SQLException {
        return wrap(access.withMetaData(md -> md.getFunctions(catalog, schemaPattern, functionNamePattern)));
    }

    @Override
    public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
            String columnNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getFunctionColumns(catalog, schemaPattern, functionNamePattern,
                columnNamePattern)));
    }

    @Override
    public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern,
            String columnNamePattern) throws SQLException {
        return wrap(access.withMetaData(md -> md.getPseudoColumns(catalog, schemaPattern, tableNamePattern,
                columnNamePattern)));
    }

    @Override
    public boolean generatedKeyAlwaysReturned() throws SQLException {
        return access.withMetaData(DatabaseMetaData::generatedKeyAlwaysReturned);
    }

    @Override
    public long getMaxLogicalLobSize() throws SQLException {
        return access.withMetaData(DatabaseMetaData::getMaxLogicalLobSize);
    }

    @Override
    public boolean supportsRefCursors() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsRefCursors);
    }

    @Override
    public boolean supportsSharding() throws SQLException {
        return access.withMetaData(DatabaseMetaData::supportsSharding);
    }

    /** Returns this object if it is an instance of {@code iface}, else unwraps the physical metadata. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return access.withMetaData(md -> md.unwrap(iface));
    }

    /** Consistent with {@link #unwrap(Class)}. */
    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || access.withMetaData(md -> md.isWrapperFor(iface));
    }

    /** Returns the class name and the logical URL. */
    @Override
    public String toString() {
        return "FoobarDatabaseMetaData[" + url + "]";
    }
}
