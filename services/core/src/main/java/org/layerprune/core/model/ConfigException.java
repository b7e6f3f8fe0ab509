package org.layerprune.core.model;

import java.nio.file.Path;

/** config.json cannot be used: the message names the file and the key at fault. */
public final class ConfigException extends IllegalArgumentException {

    private final transient Path file;

    public ConfigException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The config.json at fault. */
    public Path file() {
        return file;
    }
}
