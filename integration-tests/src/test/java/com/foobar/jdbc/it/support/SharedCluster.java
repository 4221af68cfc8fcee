package com.foobar.jdbc.it.support;

import com.foobar.testcluster.EmbeddedCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts ONE {@link EmbeddedCluster} (1 primary + 2 replicas, database
 * {@code app}, asynchronous replication) lazily, the first time a test class that uses it runs, and
 * shares it with every test class of the test JVM annotated {@code @ExtendWith(SharedCluster.class)}.
 * The cluster is injected into constructors, {@code @BeforeAll}/{@code @BeforeEach} methods and test
 * methods that declare an {@link EmbeddedCluster} parameter.
 *
 * <pre>{@code
 * @ExtendWith(SharedCluster.class)
 * class RoutingTest {
 *     @Test
 *     void readsGoToReplicas(EmbeddedCluster cluster) throws Exception { ... }
 * }
 * }</pre>
 *
 * <p>The cluster lives in the root {@link ExtensionContext.Store}, so JUnit closes it (JUnit closes
 * {@link AutoCloseable} values of a store when its context ends) after the last test of the JVM; the
 * cluster's own shutdown hook is the safety net.
 *
 * <p><b>Rules for tests that share it.</b> The servers are shared by test classes that may run in any
 * order: do not kill, suspend, restart or stop servers, do not stop replication, do not change global
 * variables ({@code read_only}, ...) and do not {@code FLUSH USER_STATISTICS}. Use your own tables (unique
 * names) and, to count statements, your own user made with
 * {@link EmbeddedCluster#createUser(String, String, String...)}. <b>Tests that kill, stop or freeze
 * servers, fail over, or change the topology must NOT use the shared cluster</b>: they start their own
 * with try-with-resources, e.g.
 * {@code try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).start()) { ... }}
 * (about 2 s).
 *
 * <p>Thread-safe: with parallel test execution the cluster is still started only once.
 */
public final class SharedCluster implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);
    private static final String KEY = "cluster";

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return cluster(extensionContext);
    }

    /**
     * The shared cluster, started on first use. Also usable from other extensions or helpers that have
     * an {@link ExtensionContext}.
     */
    public static EmbeddedCluster cluster(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        return store.getOrComputeIfAbsent(KEY, key -> EmbeddedCluster.builder().replicas(2).database("app").start(),
                EmbeddedCluster.class);
    }
}
