package com.foobar.jdbc.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * Records the parameters set on a logical {@link PreparedStatement} so that they can be replayed
 * onto whichever physical {@code PreparedStatement} the statement is routed to at execute time.
 *
 * <p>A logical prepared statement of Foobar JDBC is routed again at every execution (each execution
 * may go to a different host), so it cannot forward {@code setXxx} calls to one physical statement.
 * Instead it forwards them to a {@code ParameterRecorder}, and at execute time calls {@link
 * #replayTo(PreparedStatement)} (or {@link #replayBatchTo(PreparedStatement)} for a batch) on the
 * physical statement of the chosen host.
 *
 * <p>The recorder has one setter for every parameter setter of {@code java.sql.PreparedStatement}
 * (Java 17), with the same name and signature. Each recorded parameter remembers the exact overload
 * and arguments it was set with, and replay calls that same overload with those same arguments.
 * Arguments are kept by reference, not copied: a mutable argument ({@code byte[]}, {@link
 * Calendar}, {@link Timestamp}, ...) must not be modified while it is set, nor while a batch entry
 * holding it is pending, or the modified value is what gets replayed.
 *
 * <p><b>Streams and readers.</b> An {@link InputStream} or {@link Reader} (set with {@code
 * setAsciiStream}, {@code setBinaryStream}, {@code setCharacterStream}, {@code setBlob(int,
 * InputStream)}, {@code setClob(int, Reader)} and the like) is replayed as given: the very same
 * object is handed to the physical statement, which consumes it when the statement is executed.
 * A stream can only be consumed once, so an application that executes the statement again must
 * set the stream parameter again, as it must with any JDBC driver that sends streams at execute
 * time.
 *
 * <p><b>Batches.</b> {@link #addBatch()} snapshots the current parameter set as one batch entry;
 * as specified by JDBC, the parameters stay set afterwards and later setter calls do not affect the
 * snapshot.
 *
 * <p><b>Parameter indexes.</b> Indexes start at 1; an index below 1 or above {@value #MAX_PARAMETERS}
 * is rejected with an {@link SQLException} of SQLState {@value #INVALID_DESCRIPTOR_INDEX}. The recorder
 * does not know how many placeholders the SQL has, so a smaller index that is still too large is
 * rejected by the physical statement when the parameters are replayed onto it.
 *
 * <p><b>Thread safety.</b> This class is <em>not</em> thread-safe, just as a JDBC statement is not
 * meant to be used by several threads at once. The owning statement must confine it to one thread
 * at a time (or synchronize externally).
 */
public final class ParameterRecorder {

  /** SQLState for an invalid descriptor (parameter) index: {@value}. */
  public static final String INVALID_DESCRIPTOR_INDEX = "07009";

  /** The most placeholders a MySQL statement may have (the protocol's 16-bit parameter count). */
  public static final int MAX_PARAMETERS = 65535;

  private static final int INITIAL_CAPACITY = 8;
  private static final Param[] NO_PARAMS = new Param[0];

  /** Which setter overload a recorded parameter was set with. */
  private enum Kind {
    NULL,
    NULL_TYPE_NAME,
    BOOLEAN,
    BYTE,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    BIG_DECIMAL,
    STRING,
    BYTES,
    DATE,
    DATE_CAL,
    TIME,
    TIME_CAL,
    TIMESTAMP,
    TIMESTAMP_CAL,
    ASCII_STREAM,
    ASCII_STREAM_INT,
    ASCII_STREAM_LONG,
    UNICODE_STREAM,
    BINARY_STREAM,
    BINARY_STREAM_INT,
    BINARY_STREAM_LONG,
    OBJECT,
    OBJECT_TYPE,
    OBJECT_TYPE_SCALE,
    OBJECT_SQLTYPE,
    OBJECT_SQLTYPE_SCALE,
    CHARACTER_STREAM,
    CHARACTER_STREAM_INT,
    CHARACTER_STREAM_LONG,
    REF,
    BLOB,
    BLOB_STREAM,
    BLOB_STREAM_LONG,
    CLOB,
    CLOB_READER,
    CLOB_READER_LONG,
    ARRAY,
    URL_VALUE,
    ROW_ID,
    NSTRING,
    NCHARACTER_STREAM,
    NCHARACTER_STREAM_LONG,
    NCLOB,
    NCLOB_READER,
    NCLOB_READER_LONG,
    SQL_XML
  }

  /**
   * One recorded parameter: the overload tag plus up to three arguments (besides the index).
   *
   * <p>{@code n} carries the primitive argument, if any: the value of {@code setInt}/{@code
   * setLong}/..., the raw bits of a {@code float}/{@code double}, 0/1 for a {@code boolean}, a
   * {@code java.sql.Types} code, or a stream length. {@code a} and {@code b} carry reference
   * arguments in declaration order; the rare {@code setObject(int, Object, int, int)} boxes its
   * scale into {@code b}. Primitives are not boxed, so the hot path allocates one object per set.
   */
  private record Param(Kind kind, long n, Object a, Object b) {}

  /** Current parameters; slot {@code i} holds parameter index {@code i + 1}, or null if unset. */
  private Param[] slots = NO_PARAMS;

  /** One past the highest slot that may be non-null (a bound for replay and clear). */
  private int limit;

  /** Number of non-null slots. */
  private int count;

  /** Batch entries, each a copy of {@link #slots} trimmed to {@link #limit}; created lazily. */
  private List<Param[]> batch;

  /** Creates an empty recorder: no parameters set and no batch entries. */
  public ParameterRecorder() {}

  // ---------------------------------------------------------------------------------------------
  // Recorder operations

  /**
   * Applies every recorded parameter to {@code target}, in ascending index order, calling the same
   * setter overload with the same arguments as were recorded. Unset indexes are skipped.
   *
   * <p>This only sets parameters; it neither clears {@code target}'s existing parameters first nor
   * executes it. It should be given a statement with no parameters set (a freshly prepared one, or
   * one after {@link PreparedStatement#clearParameters()}), so that an index left unset here is
   * reported by the physical driver rather than silently taking an older value.
   *
   * @param target the physical statement to set the parameters on
   * @throws SQLException if a setter of {@code target} throws
   */
  public void replayTo(PreparedStatement target) throws SQLException {
    apply(slots, limit, target);
  }

  /**
   * Clears the current parameter values, with {@link PreparedStatement#clearParameters()}
   * semantics. Batch entries already added are not affected.
   */
  public void clear() {
    Arrays.fill(slots, 0, limit, null);
    limit = 0;
    count = 0;
  }

  /**
   * Whether a parameter is a stream or reader, which can be read only once: an execution that failed after
   * reading it cannot be replayed elsewhere with the same value.
   *
   * @return true if any current parameter is an {@code InputStream} or {@code Reader}
   */
  public boolean hasStreams() {
    for (int i = 0; i < limit; i++) {
      Param p = slots[i];
      if (p != null && (p.a() instanceof java.io.InputStream || p.a() instanceof java.io.Reader)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether no parameter is currently set.
   *
   * @return {@code true} if no parameter is set (as after construction or {@link #clear()})
   */
  public boolean isEmpty() {
    return count == 0;
  }

  /**
   * Adds the current parameter set as a new batch entry, as {@link PreparedStatement#addBatch()}
   * does. The current parameters stay set; changing them afterwards does not change the entry.
   */
  public void addBatch() {
    if (batch == null) {
      batch = new ArrayList<>();
    }
    batch.add(limit == 0 ? NO_PARAMS : Arrays.copyOf(slots, limit));
  }

  /**
   * Removes every batch entry, as {@link PreparedStatement#clearBatch()} does. The current
   * parameters are not affected.
   */
  public void clearBatch() {
    if (batch != null) {
      batch.clear();
    }
  }

  /**
   * Returns the number of batch entries added since creation or the last {@link #clearBatch()}.
   *
   * @return the number of batch entries
   */
  public int batchSize() {
    return batch == null ? 0 : batch.size();
  }

  /**
   * Replays the batch onto {@code target}: for each entry, in the order added, applies its
   * parameters (as {@link #replayTo(PreparedStatement)} does) and then calls {@code
   * target.addBatch()}. The batch itself is kept; the caller decides when to {@link #clearBatch()}.
   *
   * <p>If an entry leaves unset an index that the previous entry had set, {@code
   * target.clearParameters()} is called before applying that entry, so that the entry does not
   * silently inherit the previous entry's value on the physical statement (the physical driver
   * then reports the missing parameter, as it would have without routing). As with {@code
   * replayTo}, {@code target} should start with no parameters set.
   *
   * @param target the physical statement to add the batch entries to
   * @throws SQLException if a setter or {@code addBatch}/{@code clearParameters} of {@code target}
   *     throws
   */
  public void replayBatchTo(PreparedStatement target) throws SQLException {
    if (batch == null) {
      return;
    }
    Param[] previous = NO_PARAMS;
    for (Param[] entry : batch) {
      if (losesParameter(previous, entry)) {
        target.clearParameters();
      }
      apply(entry, entry.length, target);
      target.addBatch();
      previous = entry;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Setters of java.sql.PreparedStatement

  /**
   * Records {@link PreparedStatement#setNull(int, int)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param sqlType the SQL type code defined in {@link java.sql.Types}
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNull(int parameterIndex, int sqlType) throws SQLException {
    put(parameterIndex, new Param(Kind.NULL, sqlType, null, null));
  }

  /**
   * Records {@link PreparedStatement#setNull(int, int, String)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param sqlType the SQL type code defined in {@link java.sql.Types}
   * @param typeName the fully-qualified name of an SQL user-defined type
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
    put(parameterIndex, new Param(Kind.NULL_TYPE_NAME, sqlType, typeName, null));
  }

  /**
   * Records {@link PreparedStatement#setBoolean(int, boolean)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBoolean(int parameterIndex, boolean x) throws SQLException {
    put(parameterIndex, new Param(Kind.BOOLEAN, x ? 1L : 0L, null, null));
  }

  /**
   * Records {@link PreparedStatement#setByte(int, byte)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setByte(int parameterIndex, byte x) throws SQLException {
    put(parameterIndex, new Param(Kind.BYTE, x, null, null));
  }

  /**
   * Records {@link PreparedStatement#setShort(int, short)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setShort(int parameterIndex, short x) throws SQLException {
    put(parameterIndex, new Param(Kind.SHORT, x, null, null));
  }

  /**
   * Records {@link PreparedStatement#setInt(int, int)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setInt(int parameterIndex, int x) throws SQLException {
    put(parameterIndex, new Param(Kind.INT, x, null, null));
  }

  /**
   * Records {@link PreparedStatement#setLong(int, long)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setLong(int parameterIndex, long x) throws SQLException {
    put(parameterIndex, new Param(Kind.LONG, x, null, null));
  }

  /**
   * Records {@link PreparedStatement#setFloat(int, float)}. The exact bits are kept (NaN payloads
   * and negative zero included).
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setFloat(int parameterIndex, float x) throws SQLException {
    put(parameterIndex, new Param(Kind.FLOAT, Float.floatToRawIntBits(x), null, null));
  }

  /**
   * Records {@link PreparedStatement#setDouble(int, double)}. The exact bits are kept (NaN payloads
   * and negative zero included).
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setDouble(int parameterIndex, double x) throws SQLException {
    put(parameterIndex, new Param(Kind.DOUBLE, Double.doubleToRawLongBits(x), null, null));
  }

  /**
   * Records {@link PreparedStatement#setBigDecimal(int, BigDecimal)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
    put(parameterIndex, new Param(Kind.BIG_DECIMAL, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setString(int, String)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setString(int parameterIndex, String x) throws SQLException {
    put(parameterIndex, new Param(Kind.STRING, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBytes(int, byte[])}. The array is kept by reference, not
   * copied.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBytes(int parameterIndex, byte[] x) throws SQLException {
    put(parameterIndex, new Param(Kind.BYTES, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setDate(int, Date)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setDate(int parameterIndex, Date x) throws SQLException {
    put(parameterIndex, new Param(Kind.DATE, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setDate(int, Date, Calendar)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @param cal the calendar the driver uses to construct the date
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
    put(parameterIndex, new Param(Kind.DATE_CAL, 0L, x, cal));
  }

  /**
   * Records {@link PreparedStatement#setTime(int, Time)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setTime(int parameterIndex, Time x) throws SQLException {
    put(parameterIndex, new Param(Kind.TIME, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setTime(int, Time, Calendar)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @param cal the calendar the driver uses to construct the time
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
    put(parameterIndex, new Param(Kind.TIME_CAL, 0L, x, cal));
  }

  /**
   * Records {@link PreparedStatement#setTimestamp(int, Timestamp)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
    put(parameterIndex, new Param(Kind.TIMESTAMP, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setTimestamp(int, Timestamp, Calendar)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the parameter value
   * @param cal the calendar the driver uses to construct the timestamp
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
    put(parameterIndex, new Param(Kind.TIMESTAMP_CAL, 0L, x, cal));
  }

  /**
   * Records {@link PreparedStatement#setAsciiStream(int, InputStream)}. The stream is replayed as
   * given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the ASCII stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
    put(parameterIndex, new Param(Kind.ASCII_STREAM, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setAsciiStream(int, InputStream, int)}. The stream is replayed
   * as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the ASCII stream
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
    put(parameterIndex, new Param(Kind.ASCII_STREAM_INT, length, x, null));
  }

  /**
   * Records {@link PreparedStatement#setAsciiStream(int, InputStream, long)}. The stream is
   * replayed as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the ASCII stream
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
    put(parameterIndex, new Param(Kind.ASCII_STREAM_LONG, length, x, null));
  }

  /**
   * Records {@link PreparedStatement#setUnicodeStream(int, InputStream, int)}. The stream is
   * replayed as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the stream of UTF-8 encoded Unicode characters
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   * @deprecated as {@link PreparedStatement#setUnicodeStream(int, InputStream, int)} is; use
   *     {@link #setCharacterStream(int, Reader, int)}
   */
  @Deprecated
  public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
    put(parameterIndex, new Param(Kind.UNICODE_STREAM, length, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBinaryStream(int, InputStream)}. The stream is replayed as
   * given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the binary stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
    put(parameterIndex, new Param(Kind.BINARY_STREAM, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBinaryStream(int, InputStream, int)}. The stream is
   * replayed as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the binary stream
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
    put(parameterIndex, new Param(Kind.BINARY_STREAM_INT, length, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBinaryStream(int, InputStream, long)}. The stream is
   * replayed as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the binary stream
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
    put(parameterIndex, new Param(Kind.BINARY_STREAM_LONG, length, x, null));
  }

  /**
   * Records {@link PreparedStatement#setObject(int, Object, int)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the object containing the parameter value
   * @param targetSqlType the SQL type code ({@link java.sql.Types}) to send it as
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    put(parameterIndex, new Param(Kind.OBJECT_TYPE, targetSqlType, x, null));
  }

  /**
   * Records {@link PreparedStatement#setObject(int, Object)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the object containing the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setObject(int parameterIndex, Object x) throws SQLException {
    put(parameterIndex, new Param(Kind.OBJECT, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setObject(int, Object, int, int)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the object containing the parameter value
   * @param targetSqlType the SQL type code ({@link java.sql.Types}) to send it as
   * @param scaleOrLength the scale for decimal types, or the length for stream and reader types
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
      throws SQLException {
    put(
        parameterIndex,
        new Param(Kind.OBJECT_TYPE_SCALE, targetSqlType, x, Integer.valueOf(scaleOrLength)));
  }

  /**
   * Records {@link PreparedStatement#setObject(int, Object, SQLType)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the object containing the parameter value
   * @param targetSqlType the SQL type to send it as
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setObject(int parameterIndex, Object x, SQLType targetSqlType)
      throws SQLException {
    put(parameterIndex, new Param(Kind.OBJECT_SQLTYPE, 0L, x, targetSqlType));
  }

  /**
   * Records {@link PreparedStatement#setObject(int, Object, SQLType, int)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the object containing the parameter value
   * @param targetSqlType the SQL type to send it as
   * @param scaleOrLength the scale for decimal types, or the length for stream and reader types
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
      throws SQLException {
    put(parameterIndex, new Param(Kind.OBJECT_SQLTYPE_SCALE, scaleOrLength, x, targetSqlType));
  }

  /**
   * Records {@link PreparedStatement#setCharacterStream(int, Reader)}. The reader is replayed as
   * given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the character stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
    put(parameterIndex, new Param(Kind.CHARACTER_STREAM, 0L, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setCharacterStream(int, Reader, int)}. The reader is replayed
   * as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the character stream
   * @param length the number of characters in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setCharacterStream(int parameterIndex, Reader reader, int length)
      throws SQLException {
    put(parameterIndex, new Param(Kind.CHARACTER_STREAM_INT, length, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setCharacterStream(int, Reader, long)}. The reader is replayed
   * as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the character stream
   * @param length the number of characters in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setCharacterStream(int parameterIndex, Reader reader, long length)
      throws SQLException {
    put(parameterIndex, new Param(Kind.CHARACTER_STREAM_LONG, length, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setRef(int, Ref)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the SQL {@code REF} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setRef(int parameterIndex, Ref x) throws SQLException {
    put(parameterIndex, new Param(Kind.REF, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBlob(int, Blob)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the {@code Blob} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBlob(int parameterIndex, Blob x) throws SQLException {
    put(parameterIndex, new Param(Kind.BLOB, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setBlob(int, InputStream)}. The stream is replayed as given
   * and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param inputStream the stream holding the data
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
    put(parameterIndex, new Param(Kind.BLOB_STREAM, 0L, inputStream, null));
  }

  /**
   * Records {@link PreparedStatement#setBlob(int, InputStream, long)}. The stream is replayed as
   * given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param inputStream the stream holding the data
   * @param length the number of bytes in the stream
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setBlob(int parameterIndex, InputStream inputStream, long length)
      throws SQLException {
    put(parameterIndex, new Param(Kind.BLOB_STREAM_LONG, length, inputStream, null));
  }

  /**
   * Records {@link PreparedStatement#setClob(int, Clob)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the {@code Clob} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setClob(int parameterIndex, Clob x) throws SQLException {
    put(parameterIndex, new Param(Kind.CLOB, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setClob(int, Reader)}. The reader is replayed as given and can
   * be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the reader holding the data
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setClob(int parameterIndex, Reader reader) throws SQLException {
    put(parameterIndex, new Param(Kind.CLOB_READER, 0L, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setClob(int, Reader, long)}. The reader is replayed as given
   * and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the reader holding the data
   * @param length the number of characters in the reader
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
    put(parameterIndex, new Param(Kind.CLOB_READER_LONG, length, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setArray(int, Array)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the SQL {@code ARRAY} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setArray(int parameterIndex, Array x) throws SQLException {
    put(parameterIndex, new Param(Kind.ARRAY, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setURL(int, URL)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the {@code java.net.URL} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setURL(int parameterIndex, URL x) throws SQLException {
    put(parameterIndex, new Param(Kind.URL_VALUE, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setRowId(int, RowId)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param x the {@code RowId} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setRowId(int parameterIndex, RowId x) throws SQLException {
    put(parameterIndex, new Param(Kind.ROW_ID, 0L, x, null));
  }

  /**
   * Records {@link PreparedStatement#setNString(int, String)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param value the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNString(int parameterIndex, String value) throws SQLException {
    put(parameterIndex, new Param(Kind.NSTRING, 0L, value, null));
  }

  /**
   * Records {@link PreparedStatement#setNCharacterStream(int, Reader)}. The reader is replayed as
   * given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param value the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
    put(parameterIndex, new Param(Kind.NCHARACTER_STREAM, 0L, value, null));
  }

  /**
   * Records {@link PreparedStatement#setNCharacterStream(int, Reader, long)}. The reader is
   * replayed as given and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param value the parameter value
   * @param length the number of characters in the reader
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNCharacterStream(int parameterIndex, Reader value, long length)
      throws SQLException {
    put(parameterIndex, new Param(Kind.NCHARACTER_STREAM_LONG, length, value, null));
  }

  /**
   * Records {@link PreparedStatement#setNClob(int, NClob)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param value the parameter value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNClob(int parameterIndex, NClob value) throws SQLException {
    put(parameterIndex, new Param(Kind.NCLOB, 0L, value, null));
  }

  /**
   * Records {@link PreparedStatement#setNClob(int, Reader)}. The reader is replayed as given and
   * can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the reader holding the data
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNClob(int parameterIndex, Reader reader) throws SQLException {
    put(parameterIndex, new Param(Kind.NCLOB_READER, 0L, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setNClob(int, Reader, long)}. The reader is replayed as given
   * and can be consumed only once; set it again before re-executing.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param reader the reader holding the data
   * @param length the number of characters in the reader
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
    put(parameterIndex, new Param(Kind.NCLOB_READER_LONG, length, reader, null));
  }

  /**
   * Records {@link PreparedStatement#setSQLXML(int, SQLXML)}.
   *
   * @param parameterIndex the first parameter is 1, the second is 2, ...
   * @param xmlObject the {@code SQLXML} value
   * @throws SQLException with SQLState {@value #INVALID_DESCRIPTOR_INDEX} if the index is below 1 or above {@value #MAX_PARAMETERS}
   */
  public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
    put(parameterIndex, new Param(Kind.SQL_XML, 0L, xmlObject, null));
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private void put(int parameterIndex, Param param) throws SQLException {
    if (parameterIndex < 1 || parameterIndex > MAX_PARAMETERS) {
      throw new SQLException(
          "Invalid parameter index " + parameterIndex + ": parameter indexes run from 1 to " + MAX_PARAMETERS,
          INVALID_DESCRIPTOR_INDEX);
    }
    int slot = parameterIndex - 1;
    if (slot >= slots.length) {
      grow(parameterIndex);
    }
    if (slots[slot] == null) {
      count++;
    }
    slots[slot] = param;
    if (slot >= limit) {
      limit = slot + 1;
    }
  }

  private void grow(int minLength) {
    int doubled = slots.length < (Integer.MAX_VALUE >> 1) ? slots.length << 1 : Integer.MAX_VALUE;
    slots = Arrays.copyOf(slots, Math.max(minLength, Math.max(doubled, INITIAL_CAPACITY)));
  }

  /** True if {@code previous} has a parameter set at an index that {@code next} leaves unset. */
  private static boolean losesParameter(Param[] previous, Param[] next) {
    for (int i = 0; i < previous.length; i++) {
      if (previous[i] != null && (i >= next.length || next[i] == null)) {
        return true;
      }
    }
    return false;
  }

  private static void apply(Param[] params, int length, PreparedStatement target)
      throws SQLException {
    for (int i = 0; i < length; i++) {
      Param p = params[i];
      if (p != null) {
        apply(i + 1, p, target);
      }
    }
  }

  @SuppressWarnings("deprecation") // setUnicodeStream is replayed like any other overload
  private static void apply(int index, Param p, PreparedStatement t) throws SQLException {
    switch (p.kind()) {
      case NULL -> t.setNull(index, (int) p.n());
      case NULL_TYPE_NAME -> t.setNull(index, (int) p.n(), (String) p.a());
      case BOOLEAN -> t.setBoolean(index, p.n() != 0L);
      case BYTE -> t.setByte(index, (byte) p.n());
      case SHORT -> t.setShort(index, (short) p.n());
      case INT -> t.setInt(index, (int) p.n());
      case LONG -> t.setLong(index, p.n());
      case FLOAT -> t.setFloat(index, Float.intBitsToFloat((int) p.n()));
      case DOUBLE -> t.setDouble(index, Double.longBitsToDouble(p.n()));
      case BIG_DECIMAL -> t.setBigDecimal(index, (BigDecimal) p.a());
      case STRING -> t.setString(index, (String) p.a());
      case BYTES -> t.setBytes(index, (byte[]) p.a());
      case DATE -> t.setDate(index, (Date) p.a());
      case DATE_CAL -> t.setDate(index, (Date) p.a(), (Calendar) p.b());
      case TIME -> t.setTime(index, (Time) p.a());
      case TIME_CAL -> t.setTime(index, (Time) p.a(), (Calendar) p.b());
      case TIMESTAMP -> t.setTimestamp(index, (Timestamp) p.a());
      case TIMESTAMP_CAL -> t.setTimestamp(index, (Timestamp) p.a(), (Calendar) p.b());
      case ASCII_STREAM -> t.setAsciiStream(index, (InputStream) p.a());
      case ASCII_STREAM_INT -> t.setAsciiStream(index, (InputStream) p.a(), (int) p.n());
      case ASCII_STREAM_LONG -> t.setAsciiStream(index, (InputStream) p.a(), p.n());
      case UNICODE_STREAM -> t.setUnicodeStream(index, (InputStream) p.a(), (int) p.n());
      case BINARY_STREAM -> t.setBinaryStream(index, (InputStream) p.a());
      case BINARY_STREAM_INT -> t.setBinaryStream(index, (InputStream) p.a(), (int) p.n());
      case BINARY_STREAM_LONG -> t.setBinaryStream(index, (InputStream) p.a(), p.n());
      case OBJECT -> t.setObject(index, p.a());
      case OBJECT_TYPE -> t.setObject(index, p.a(), (int) p.n());
      case OBJECT_TYPE_SCALE ->
          t.setObject(index, p.a(), (int) p.n(), ((Integer) p.b()).intValue());
      case OBJECT_SQLTYPE -> t.setObject(index, p.a(), (SQLType) p.b());
      case OBJECT_SQLTYPE_SCALE -> t.setObject(index, p.a(), (SQLType) p.b(), (int) p.n());
      case CHARACTER_STREAM -> t.setCharacterStream(index, (Reader) p.a());
      case CHARACTER_STREAM_INT -> t.setCharacterStream(index, (Reader) p.a(), (int) p.n());
      case CHARACTER_STREAM_LONG -> t.setCharacterStream(index, (Reader) p.a(), p.n());
      case REF -> t.setRef(index, (Ref) p.a());
      case BLOB -> t.setBlob(index, (Blob) p.a());
      case BLOB_STREAM -> t.setBlob(index, (InputStream) p.a());
      case BLOB_STREAM_LONG -> t.setBlob(index, (InputStream) p.a(), p.n());
      case CLOB -> t.setClob(index, (Clob) p.a());
      case CLOB_READER -> t.setClob(index, (Reader) p.a());
      case CLOB_READER_LONG -> t.setClob(index, (Reader) p.a(), p.n());
      case ARRAY -> t.setArray(index, (Array) p.a());
      case URL_VALUE -> t.setURL(index, (URL) p.a());
      case ROW_ID -> t.setRowId(index, (RowId) p.a());
      case NSTRING -> t.setNString(index, (String) p.a());
      case NCHARACTER_STREAM -> t.setNCharacterStream(index, (Reader) p.a());
      case NCHARACTER_STREAM_LONG -> t.setNCharacterStream(index, (Reader) p.a(), p.n());
      case NCLOB -> t.setNClob(index, (NClob) p.a());
      case NCLOB_READER -> t.setNClob(index, (Reader) p.a());
      case NCLOB_READER_LONG -> t.setNClob(index, (Reader) p.a(), p.n());
      case SQL_XML -> t.setSQLXML(index, (SQLXML) p.a());
      default -> throw new AssertionError("unhandled parameter kind " + p.kind());
    }
  }
}
