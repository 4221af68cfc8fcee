package com.foobar.jdbc.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's command line: {@code --seconds N}, {@code --threads N}, and for a real cluster
 * {@code --url jdbc:foobar://h1:3306,h2:3306/db --user U --password P [--admin-user A --admin-password B]}.
 *
 * @param seconds       how long the application load runs
 * @param threads       application threads sharing the one pool
 * @param url           a {@code jdbc:foobar:} URL, or null for the embedded cluster
 * @param user          the application user (with {@code url})
 * @param password      its password (with {@code url})
 * @param adminUser     the user that reads each server's status counters (defaults to {@code user})
 * @param adminPassword its password (defaults to {@code password})
 * @param help          whether {@code --help} was given
 */
record DemoOptions(int seconds, int threads, String url, String user, String password, String adminUser,
        String adminPassword, boolean help) {

    static final int DEFAULT_SECONDS = 20;
    static final int DEFAULT_THREADS = 4;

    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: Demo [--seconds N] [--threads N]",
            "            [--url jdbc:foobar://h1:3306,h2:3306,h3:3306/db --user U --password P",
            "             [--admin-user A] [--admin-password B]]",
            "",
            "  --seconds N          how long the application runs (default " + DEFAULT_SECONDS + ")",
            "  --threads N          application threads sharing one HikariCP pool (default " + DEFAULT_THREADS + ")",
            "  --url URL            use this cluster instead of starting an embedded one",
            "  --user U             the application user (required with --url)",
            "  --password P         its password (default: empty)",
            "  --admin-user A       reads SHOW GLOBAL STATUS on each host over jdbc:mysql:// (default: --user)",
            "  --admin-password B   its password (default: --password)",
            "  --help               this text",
            "",
            "With Maven, from the project root:",
            "  mvn -q -pl examples -am -DskipTests package exec:java -Dexec.mainClass=com.foobar.jdbc.examples.Demo \\",
            "      -Dexec.args=\"--seconds 10 --threads 8\"");

    /** Whether the demo starts its own embedded cluster. */
    boolean embedded() {
        return url == null;
    }

    /**
     * Parses the arguments; {@code --name value} and {@code --name=value} are both accepted.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    static DemoOptions parse(String[] args) {
        int seconds = DEFAULT_SECONDS;
        int threads = DEFAULT_THREADS;
        String url = null;
        String user = null;
        String password = null;
        String adminUser = null;
        String adminPassword = null;
        boolean help = false;
        List<String> given = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                given.add(arg.substring(0, eq));
                given.add(arg.substring(eq + 1));
            } else {
                given.add(arg);
            }
        }
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i);
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--seconds" -> seconds = positiveInt(name, value(given, ++i, name), 1, 86_400);
                case "--threads" -> threads = positiveInt(name, value(given, ++i, name), 1, 256);
                case "--url" -> url = value(given, ++i, name);
                case "--user" -> user = value(given, ++i, name);
                case "--password" -> password = value(given, ++i, name);
                case "--admin-user" -> adminUser = value(given, ++i, name);
                case "--admin-password" -> adminPassword = value(given, ++i, name);
                default -> throw new IllegalArgumentException("Unknown argument: " + name);
            }
        }
        if (url == null) {
            if (user != null || password != null || adminUser != null || adminPassword != null) {
                throw new IllegalArgumentException("--user, --password, --admin-user and --admin-password need --url");
            }
        } else {
            if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:foobar:")) {
                throw new IllegalArgumentException("--url must be a jdbc:foobar:// URL, not " + url);
            }
            if (user == null) {
                throw new IllegalArgumentException("--url needs --user");
            }
            if (password == null) {
                password = "";
            }
            if (adminUser == null) {
                adminUser = user;
                if (adminPassword == null) {
                    adminPassword = password;
                }
            }
            if (adminPassword == null) {
                adminPassword = "";
            }
        }
        return new DemoOptions(seconds, threads, url, user, password, adminUser, adminPassword, help);
    }

    private static String value(List<String> args, int index, String name) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(index);
    }

    private static int positiveInt(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number: " + value, e);
        }
    }

    /** Never shows the passwords. */
    @Override
    public String toString() {
        return "DemoOptions[seconds=" + seconds + ", threads=" + threads + ", url=" + url + ", user=" + user
                + ", adminUser=" + adminUser + "]";
    }
}
