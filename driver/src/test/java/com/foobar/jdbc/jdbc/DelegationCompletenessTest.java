package com.foobar.jdbc.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Checks that the delegating classes implement every JDBC method themselves and forward each one to the delegate.
 * The fakes are {@link Proxy} instances: acceptable here, in a unit test of pure delegation.
 */
class DelegationCompletenessTest {

    private static final Set<String> NOT_FORWARDED = Set.of("unwrap", "isWrapperFor");
    private static final Set<String> METADATA_NOT_FORWARDED = Set.of("unwrap", "isWrapperFor", "getConnection",
            "getURL", "getDriverMajorVersion", "getDriverMinorVersion");

    /** Records the signatures of the calls made on fakes. */
    private final List<String> calls = new ArrayList<>();

    @Test
    void everyInterfaceMethodIsDeclaredByAClassNotInheritedAsADefault() {
        assertDeclaresAll(DelegatingConnection.class, Connection.class);
        assertDeclaresAll(DelegatingStatement.class, Statement.class);
        assertDeclaresAll(DelegatingPreparedStatement.class, PreparedStatement.class);
        assertDeclaresAll(DelegatingCallableStatement.class, CallableStatement.class);
        assertDeclaresAll(DelegatingResultSet.class, ResultSet.class);
        assertDeclaresAll(FoobarDatabaseMetaData.class, DatabaseMetaData.class);
    }

    @Test
    void onlyUnwrapAndIsWrapperForAreFinal() {
        for (Class<?> c : List.of(DelegatingConnection.class, DelegatingStatement.class,
                DelegatingPreparedStatement.class, DelegatingCallableStatement.class, DelegatingResultSet.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !NOT_FORWARDED.contains(m.getName())) {
                    assertThat(Modifier.isFinal(m.getModifiers())).as(m.toString()).isFalse();
                }
            }
        }
    }

    @Test
    void everyMethodForwardsToTheDelegate() throws Exception {
        assertForwardsAll(Connection.class, d -> new DelegatingConnection(d) { }, NOT_FORWARDED);
        assertForwardsAll(Statement.class, DelegatingStatement::new, NOT_FORWARDED);
        assertForwardsAll(PreparedStatement.class, DelegatingPreparedStatement::new, NOT_FORWARDED);
        assertForwardsAll(CallableStatement.class, DelegatingCallableStatement::new, NOT_FORWARDED);
        assertForwardsAll(ResultSet.class, DelegatingResultSet::new, NOT_FORWARDED);
        Connection logical = fake(Connection.class);
        assertForwardsAll(DatabaseMetaData.class,
                md -> new FoobarDatabaseMetaData(logical, "jdbc:foobar://x", over(md)),
                METADATA_NOT_FORWARDED);
    }

    @Test
    void metadataWrapsResultSetsAndDescribesFoobar() throws Exception {
        Connection logical = fake(Connection.class);
        DatabaseMetaData physical = fake(DatabaseMetaData.class);
        FoobarDatabaseMetaData md = new FoobarDatabaseMetaData(logical, "jdbc:foobar://x", over(physical));
        for (Method m : DatabaseMetaData.class.getMethods()) {
            if (m.getReturnType() == ResultSet.class) {
                Object rs = invoke(md, m);
                assertThat(rs).as(m.getName()).isInstanceOf(FoobarResultSet.class);
                assertThat(((ResultSet) rs).getStatement()).isNull();
            }
        }
        assertThat(md.getConnection()).isSameAs(logical);
        assertThat(md.getURL()).isEqualTo("jdbc:foobar://x");
        assertThat(md.getDriverName()).startsWith("Foobar JDBC (over ");
        assertThat(md.getDriverVersion()).startsWith(FoobarDatabaseMetaData.DRIVER_VERSION + " / ");
        assertThat(md.getDriverMajorVersion()).isZero();
        assertThat(md.getDriverMinorVersion()).isEqualTo(1);
        assertThat(md.unwrap(DatabaseMetaData.class)).isSameAs(md);
    }

    @Test
    void unwrapReturnsThisThenDelegateThenAsksTheDelegate() throws Exception {
        Connection physical = fake(Connection.class);
        DelegatingConnection c = new DelegatingConnection(physical) { };
        assertThat(c.unwrap(Connection.class)).isSameAs(c);
        assertThat(c.unwrap(DelegatingConnection.class)).isSameAs(c);
        assertThat(c.isWrapperFor(Connection.class)).isTrue();
        calls.clear();
        assertThat(c.unwrap(String.class)).isNull(); // the fake's answer
        assertThat(c.isWrapperFor(String.class)).isFalse();
        assertThat(calls).containsExactly("unwrap[class java.lang.Class]", "isWrapperFor[class java.lang.Class]");
        assertThat(c).hasToString(c.getClass().getSimpleName() + "[fake Connection]");
    }

    @Test
    void foobarResultSetReportsItsOwnerAndRunsOnCloseOnce() throws Exception {
        Statement owner = fake(Statement.class);
        int[] closes = {0};
        FoobarResultSet rs = new FoobarResultSet(fake(ResultSet.class), owner, () -> closes[0]++);
        assertThat(rs.getStatement()).isSameAs(owner);
        rs.close();
        rs.close();
        assertThat(closes[0]).isEqualTo(1);
        assertThat(calls).contains("close[]");

        ResultSet failing = (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResultSet.class}, (p, m, a) -> {
                    if (m.getName().equals("close")) {
                        throw new SQLException("boom");
                    }
                    return defaultValue(m.getReturnType());
                });
        FoobarResultSet rs2 = new FoobarResultSet(failing, null, () -> closes[0]++);
        assertThatThrownBy(rs2::close).isInstanceOf(SQLException.class).hasMessage("boom");
        assertThat(closes[0]).isEqualTo(2);
        new FoobarResultSet(fake(ResultSet.class), null, null).close(); // null onClose is fine
    }

    /** Access that runs every call against {@code md} (a generic method: no lambda possible). */
    private static MetaDataAccess over(DatabaseMetaData md) {
        return new MetaDataAccess() {
            @Override
            public <R> R withMetaData(SqlFunction<DatabaseMetaData, R> call) throws SQLException {
                return call.apply(md);
            }
        };
    }

    private static void assertDeclaresAll(Class<?> impl, Class<?> iface) {
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                Method found = impl.getMethod(m.getName(), m.getParameterTypes());
                assertThat(found.getDeclaringClass().isInterface())
                        .as("%s inherits %s from %s", impl.getSimpleName(), m, found.getDeclaringClass())
                        .isFalse();
            } catch (NoSuchMethodException e) {
                throw new AssertionError(impl + " lacks " + m, e);
            }
        }
    }

    private <I> void assertForwardsAll(Class<I> iface, Function<I, ?> wrap, Set<String> excluded) throws Exception {
        I delegate = fake(iface);
        Object wrapper = wrap.apply(delegate);
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || excluded.contains(m.getName())) {
                continue;
            }
            calls.clear();
            invoke(wrapper, m);
            assertThat(calls).as("%s.%s", wrapper.getClass().getSimpleName(), m).contains(signature(m));
        }
    }

    private static Object invoke(Object target, Method m) throws Exception {
        Object[] args = Arrays.stream(m.getParameterTypes()).map(DelegationCompletenessTest::defaultValue).toArray();
        try {
            return target.getClass().getMethod(m.getName(), m.getParameterTypes()).invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(m + " threw", e.getCause());
        }
    }

    /** A fake that records every call and answers default values (and fake result sets). */
    private <I> I fake(Class<I> iface) {
        return iface.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> "fake " + iface.getSimpleName();
                    case "hashCode" -> System.identityHashCode(p);
                    default -> p == a[0];
                };
            }
            calls.add(signature(m));
            return m.getReturnType() == ResultSet.class ? fake(ResultSet.class) : defaultValue(m.getReturnType());
        }));
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }

    private static Object defaultValue(Class<?> type) {
        return type.isPrimitive() && type != void.class ? Array.get(Array.newInstance(type, 1), 0) : null;
    }
}
