package com.foobar.jdbc.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ParameterRecorderTest {

  // -------------------------------------------------------------------------------------------
  // Fake PreparedStatement

  /** One call received by the fake statement. */
  private record Call(Method method, List<Object> args) {
    String name() {
      return method.getName();
    }

    @Override
    public String toString() {
      return name() + Arrays.deepToString(args.toArray());
    }
  }

  /** A {@link PreparedStatement} proxy that records every call it receives. */
  private static final class FakeStatement implements InvocationHandler {
    final List<Call> calls = new ArrayList<>();
    final PreparedStatement proxy =
        (PreparedStatement)
            Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                this);

    @Override
    public Object invoke(Object self, Method method, Object[] args) {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return self == args[0];
          case "hashCode":
            return System.identityHashCode(self);
          default:
            return "FakeStatement";
        }
      }
      calls.add(new Call(method, args == null ? List.of() : Arrays.asList(args)));
      return defaultValue(method.getReturnType());
    }

    /** The calls as short strings, e.g. {@code setInt(1, 5)}; for readable ordering asserts. */
    List<String> described() {
      return calls.stream().map(ParameterRecorderTest::describe).collect(Collectors.toList());
    }
  }

  private static String describe(Call call) {
    return call.name()
        + call.args().stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
  }

  private static Object defaultValue(Class<?> type) {
    if (!type.isPrimitive() || type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    throw new IllegalStateException("no default for " + type);
  }

  /** An instance of a JDBC interface (Blob, Clob, ...) that is only passed around, never used. */
  private static Object dummy(Class<?> iface, String label) {
    return Proxy.newProxyInstance(
        iface.getClassLoader(),
        new Class<?>[] {iface},
        (self, method, args) -> {
          switch (method.getName()) {
            case "equals":
              return self == args[0];
            case "hashCode":
              return System.identityHashCode(self);
            case "toString":
              return label;
            default:
              throw new UnsupportedOperationException(method.toString());
          }
        });
  }

  // -------------------------------------------------------------------------------------------
  // Reflection over the setters

  /** The parameter setters of {@code java.sql.PreparedStatement} (declared there, not inherited). */
  private static List<Method> preparedStatementSetters() {
    return Arrays.stream(PreparedStatement.class.getDeclaredMethods())
        .filter(m -> m.getName().startsWith("set"))
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .sorted(Comparator.comparing(Method::toGenericString))
        .collect(Collectors.toList());
  }

  /** The public {@code set*} methods of {@link ParameterRecorder}. */
  private static List<Method> recorderSetters() {
    return Arrays.stream(ParameterRecorder.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .filter(m -> m.getName().startsWith("set"))
        .sorted(Comparator.comparing(Method::toGenericString))
        .collect(Collectors.toList());
  }

  private static String signature(Method m) {
    return m.getName()
        + Arrays.stream(m.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(",", "(", ")"));
  }

  /** Distinct sample arguments for a setter; {@code seed} makes two calls' values differ. */
  private static Object[] sampleArgs(Method m, int index, int seed) throws Exception {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    args[0] = index;
    for (int i = 1; i < types.length; i++) {
      args[i] = sample(types[i], seed * 10 + i, m.getName());
    }
    return args;
  }

  private static Object sample(Class<?> type, int seed, String setter) throws Exception {
    if (type == int.class) {
      return 100 + seed;
    }
    if (type == long.class) {
      return 10_000_000_000L + seed;
    }
    if (type == boolean.class) {
      return seed % 2 == 1;
    }
    if (type == byte.class) {
      return (byte) (seed + 1);
    }
    if (type == short.class) {
      return (short) (300 + seed);
    }
    if (type == float.class) {
      return 1.5f + seed;
    }
    if (type == double.class) {
      return 2.25d + seed;
    }
    if (type == String.class) {
      return setter + "-" + seed;
    }
    if (type == BigDecimal.class) {
      return new BigDecimal("12.34").add(BigDecimal.valueOf(seed));
    }
    if (type == byte[].class) {
      return new byte[] {1, 2, (byte) seed};
    }
    if (type == Date.class) {
      return Date.valueOf("2024-01-" + (10 + seed % 10));
    }
    if (type == Time.class) {
      return Time.valueOf("12:34:" + (10 + seed % 10));
    }
    if (type == Timestamp.class) {
      return Timestamp.valueOf("2024-02-03 04:05:" + (10 + seed % 10));
    }
    if (type == Calendar.class) {
      return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    }
    if (type == InputStream.class) {
      return new ByteArrayInputStream(new byte[] {(byte) seed});
    }
    if (type == Reader.class) {
      return new StringReader("reader-" + seed);
    }
    if (type == Object.class) {
      return "object-" + seed;
    }
    if (type == SQLType.class) {
      return seed % 2 == 0 ? JDBCType.VARCHAR : JDBCType.DECIMAL;
    }
    if (type == URL.class) {
      return new URI("https://example.com/" + seed).toURL();
    }
    if (type.isInterface()
        && Set.of(Ref.class, Blob.class, Clob.class, NClob.class, Array.class, RowId.class,
                SQLXML.class)
            .contains(type)) {
      return dummy(type, type.getSimpleName() + "-" + seed);
    }
    throw new IllegalStateException("no sample value for " + type + " in " + setter);
  }

  private static void invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Method recorderTwin(Method jdbcSetter) throws NoSuchMethodException {
    return ParameterRecorder.class.getMethod(jdbcSetter.getName(), jdbcSetter.getParameterTypes());
  }

  /** Asserts that the call is {@code expected} invoked with exactly {@code args}. */
  private static void assertCall(Call call, Method expected, Object[] args) {
    assertThat(call.method()).as("overload replayed for %s", signature(expected)).isEqualTo(expected);
    assertThat(call.args()).as("arguments replayed for %s", signature(expected)).hasSize(args.length);
    for (int i = 0; i < args.length; i++) {
      Object expectedArg = args[i];
      Object actualArg = call.args().get(i);
      if (expectedArg instanceof Number
          || expectedArg instanceof Boolean
          || expectedArg instanceof String
          || expectedArg instanceof Enum) {
        assertThat(actualArg)
            .as("argument %d of %s", i, signature(expected))
            .isEqualTo(expectedArg);
      } else {
        assertThat(actualArg)
            .as("argument %d of %s (same instance)", i, signature(expected))
            .isSameAs(expectedArg);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Tests

  @Test
  void recorderHasExactlyThePreparedStatementParameterSetters() throws Exception {
    List<Method> jdbc = preparedStatementSetters();
    // Java 17's PreparedStatement declares 50 parameter setters (48 abstract + 2 default).
    assertThat(jdbc).hasSize(50);

    List<String> missing = new ArrayList<>();
    for (Method m : jdbc) {
      try {
        Method twin = recorderTwin(m);
        assertThat(twin.getReturnType()).as(signature(m)).isEqualTo(void.class);
        assertThat(twin.getExceptionTypes()).as(signature(m)).containsExactly(SQLException.class);
      } catch (NoSuchMethodException e) {
        missing.add(signature(m));
      }
    }
    assertThat(missing).as("PreparedStatement setters missing from ParameterRecorder").isEmpty();

    Set<String> jdbcSignatures =
        jdbc.stream().map(ParameterRecorderTest::signature).collect(Collectors.toSet());
    List<String> extra =
        recorderSetters().stream()
            .map(ParameterRecorderTest::signature)
            .filter(s -> !jdbcSignatures.contains(s))
            .collect(Collectors.toList());
    assertThat(extra).as("ParameterRecorder setters that PreparedStatement does not have").isEmpty();
  }

  @Test
  void everySetterOverloadIsReplayedWithTheSameOverloadAndArguments() throws Throwable {
    for (Method jdbcSetter : preparedStatementSetters()) {
      Method recorderSetter = recorderTwin(jdbcSetter);
      ParameterRecorder recorder = new ParameterRecorder();
      Object[] args = sampleArgs(jdbcSetter, 3, 1);

      invoke(recorderSetter, recorder, args);
      assertThat(recorder.isEmpty()).as(signature(jdbcSetter)).isFalse();

      FakeStatement fake = new FakeStatement();
      recorder.replayTo(fake.proxy);
      assertThat(fake.calls).as(signature(jdbcSetter)).hasSize(1);
      assertCall(fake.calls.get(0), jdbcSetter, args);
    }
  }

  @Test
  void allSettersTogetherReplayInIndexOrder() throws Throwable {
    List<Method> setters = preparedStatementSetters();
    ParameterRecorder recorder = new ParameterRecorder();
    List<Object[]> argsByIndex = new ArrayList<>();
    // Set them in reverse index order to show that replay sorts by index, not by call order.
    for (int i = setters.size() - 1; i >= 0; i--) {
      argsByIndex.add(0, sampleArgs(setters.get(i), i + 1, i));
      invoke(recorderTwin(setters.get(i)), recorder, argsByIndex.get(0));
    }

    FakeStatement fake = new FakeStatement();
    recorder.replayTo(fake.proxy);

    assertThat(fake.calls).hasSize(setters.size());
    for (int i = 0; i < setters.size(); i++) {
      assertCall(fake.calls.get(i), setters.get(i), argsByIndex.get(i));
    }
  }

  @Test
  void replaysInIndexOrderAndSkipsUnsetIndexes() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setString(3, "c");
    recorder.setLong(1, 42L);
    recorder.setInt(20, 7); // beyond the initial capacity: the slot array grows
    recorder.setNull(2, Types.VARCHAR);

    FakeStatement fake = new FakeStatement();
    recorder.replayTo(fake.proxy);

    assertThat(fake.described())
        .containsExactly("setLong(1, 42)", "setNull(2, 12)", "setString(3, c)", "setInt(20, 7)");
  }

  @Test
  void replayCanBeRepeatedOntoSeveralTargets() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setLong(1, 5L);
    recorder.setString(2, "x");

    FakeStatement first = new FakeStatement();
    FakeStatement second = new FakeStatement();
    recorder.replayTo(first.proxy);
    recorder.replayTo(second.proxy);

    assertThat(first.described()).containsExactly("setLong(1, 5)", "setString(2, x)");
    assertThat(second.described()).isEqualTo(first.described());
  }

  @Test
  void settingAnIndexAgainOverwritesItEvenWithAnotherOverload() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setInt(1, 5);
    recorder.setString(2, "two");
    recorder.setString(1, "one");
    recorder.setString(2, null);

    FakeStatement fake = new FakeStatement();
    recorder.replayTo(fake.proxy);

    assertThat(fake.described()).containsExactly("setString(1, one)", "setString(2, null)");
  }

  @Test
  void primitiveValuesKeepTheirExactValue() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setLong(1, Long.MIN_VALUE);
    recorder.setInt(2, -1);
    recorder.setByte(3, (byte) -128);
    recorder.setShort(4, Short.MIN_VALUE);
    recorder.setDouble(5, -0.0d);
    recorder.setFloat(6, Float.NaN);
    recorder.setBoolean(7, true);
    recorder.setBoolean(8, false);
    recorder.setObject(9, "v", Types.DECIMAL, -3);

    FakeStatement fake = new FakeStatement();
    recorder.replayTo(fake.proxy);

    assertThat(fake.calls.stream().map(c -> c.args().get(1)).collect(Collectors.toList()))
        .containsExactly(
            Long.MIN_VALUE, -1, (byte) -128, Short.MIN_VALUE, -0.0d, Float.NaN, true, false, "v");
    assertThat(Double.doubleToRawLongBits((Double) fake.calls.get(4).args().get(1)))
        .isEqualTo(Double.doubleToRawLongBits(-0.0d));
    assertThat(fake.calls.get(8).args()).containsExactly(9, "v", Types.DECIMAL, -3);
  }

  @Test
  void streamsAreReplayedAsTheSameInstance() throws SQLException {
    InputStream in = new ByteArrayInputStream(new byte[] {1, 2, 3});
    Reader reader = new StringReader("abc");
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setBinaryStream(1, in, 3L);
    recorder.setCharacterStream(2, reader);

    FakeStatement fake = new FakeStatement();
    recorder.replayTo(fake.proxy);

    assertThat(fake.calls.get(0).args().get(1)).isSameAs(in);
    assertThat(fake.calls.get(1).args().get(1)).isSameAs(reader);
  }

  @Test
  void clearRemovesAllParameters() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    assertThat(recorder.isEmpty()).isTrue();

    recorder.setLong(1, 1L);
    recorder.setString(9, "nine");
    assertThat(recorder.isEmpty()).isFalse();

    recorder.clear();
    assertThat(recorder.isEmpty()).isTrue();
    FakeStatement afterClear = new FakeStatement();
    recorder.replayTo(afterClear.proxy);
    assertThat(afterClear.calls).isEmpty();

    recorder.setInt(2, 22);
    assertThat(recorder.isEmpty()).isFalse();
    FakeStatement afterReuse = new FakeStatement();
    recorder.replayTo(afterReuse.proxy);
    assertThat(afterReuse.described()).containsExactly("setInt(2, 22)");
  }

  @Test
  void isEmptyCountsOverwrittenIndexesOnce() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setInt(1, 1);
    recorder.setInt(1, 2);
    recorder.clear();
    assertThat(recorder.isEmpty()).isTrue();
  }

  @Test
  void batchReplaysEachEntryThenAddBatch() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    assertThat(recorder.batchSize()).isZero();

    recorder.setLong(1, 1L);
    recorder.setString(2, "one");
    recorder.addBatch();

    // Parameters stay set after addBatch: only index 2 changes for the second entry.
    recorder.setString(2, "two");
    recorder.addBatch();

    recorder.setLong(1, 3L);
    recorder.setNull(2, Types.VARCHAR);
    recorder.addBatch();
    assertThat(recorder.batchSize()).isEqualTo(3);

    // Changing the current parameters after the last addBatch does not change the entries.
    recorder.setLong(1, 99L);
    recorder.clear();

    FakeStatement fake = new FakeStatement();
    recorder.replayBatchTo(fake.proxy);

    assertThat(fake.described())
        .containsExactly(
            "setLong(1, 1)",
            "setString(2, one)",
            "addBatch()",
            "setLong(1, 1)",
            "setString(2, two)",
            "addBatch()",
            "setLong(1, 3)",
            "setNull(2, 12)",
            "addBatch()");

    // Replaying does not consume the batch; clearBatch does, and leaves the parameters alone.
    assertThat(recorder.batchSize()).isEqualTo(3);
    recorder.setInt(1, 5);
    recorder.clearBatch();
    assertThat(recorder.batchSize()).isZero();
    assertThat(recorder.isEmpty()).isFalse();

    FakeStatement empty = new FakeStatement();
    recorder.replayBatchTo(empty.proxy);
    assertThat(empty.calls).isEmpty();
  }

  @Test
  void batchEntryThatDropsAParameterClearsTheTargetFirst() throws SQLException {
    ParameterRecorder recorder = new ParameterRecorder();
    recorder.setInt(1, 1);
    recorder.setInt(2, 2);
    recorder.addBatch();
    recorder.clear();
    recorder.setInt(1, 10);
    recorder.addBatch();

    FakeStatement fake = new FakeStatement();
    recorder.replayBatchTo(fake.proxy);

    assertThat(fake.described())
        .containsExactly(
            "setInt(1, 1)",
            "setInt(2, 2)",
            "addBatch()",
            "clearParameters()",
            "setInt(1, 10)",
            "addBatch()");
  }

  @Test
  void indexBelowOneIsRejectedWith07009() {
    ParameterRecorder recorder = new ParameterRecorder();
    assertThatThrownBy(() -> recorder.setLong(0, 1L))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("0")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("07009"));
    assertThatThrownBy(() -> recorder.setString(-5, "x"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("-5")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("07009"));
    assertThat(recorder.isEmpty()).isTrue();
  }

  @Test
  void everySetterRejectsAnIndexBelowOne() throws Exception {
    for (Method jdbcSetter : preparedStatementSetters()) {
      Method recorderSetter = recorderTwin(jdbcSetter);
      ParameterRecorder recorder = new ParameterRecorder();
      for (int badIndex : new int[] {0, -1, Integer.MIN_VALUE}) {
        Object[] args = sampleArgs(jdbcSetter, badIndex, 1);
        assertThatThrownBy(() -> invoke(recorderSetter, recorder, args))
            .as("%s with parameter index %d", signature(jdbcSetter), badIndex)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(String.valueOf(badIndex))
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("07009"));
      }
      assertThat(recorder.isEmpty()).as(signature(jdbcSetter)).isTrue();
    }
  }
}
