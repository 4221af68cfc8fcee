package com.foobar.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces one generated section of {@code RESULTS.md}, between {@code <!-- BEGIN name -->} and
 * {@code <!-- END name -->}, leaving the hand-written text around it alone. A file without the markers
 * gets the section appended.
 */
public final class ResultsFile {

    private ResultsFile() {
    }

    /**
     * @param file    the markdown file (created if missing)
     * @param name    the section's marker name, e.g. {@code e2e}
     * @param content the section's new content (markdown, without the markers)
     */
    public static void replaceSection(Path file, String name, String content) throws IOException {
        String begin = "<!-- BEGIN " + name + ": generated, do not edit by hand -->";
        String end = "<!-- END " + name + " -->";
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        String section = begin + "\n" + content.strip() + "\n" + end;
        int b = text.indexOf("<!-- BEGIN " + name + ":");
        int e = text.indexOf(end);
        String updated;
        if (b >= 0 && e > b) {
            updated = text.substring(0, b) + section + text.substring(e + end.length());
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
                    + section + "\n";
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
