package org.layerprune.core.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content hash of a checkpoint: what ties a probe result to the model it probed, and a pruned checkpoint to its
 * source.
 *
 * <p>Definition. The files are {@code config.json}, every weight file the checkpoint reads ({@code model.safetensors},
 * or every shard its index names) and, when sharded, {@code model.safetensors.index.json}; nothing else (tokenizer,
 * README, {@code manifest.json}) counts, and neither does the directory's path. For each file, in ascending order of
 * name ({@link String#compareTo}; for the ASCII names checkpoints use, byte order), one record is formed:
 *
 * <pre>
 *     name NUL size NUL sha256 LF
 * </pre>
 *
 * where name is the plain file name in UTF-8, size its length in bytes in decimal, and sha256 the lower-case hex
 * SHA-256 of its content. The hash is the lower-case hex SHA-256 of the records concatenated. NUL cannot occur in a
 * file name, so the records parse one way only. In Python:
 *
 * <pre>{@code
 * records = b"".join(b"%s\0%d\0%s\n" % (name.encode(), size, sha.encode()) for name, size, sha in sorted(files))
 * hashlib.sha256(records).hexdigest()
 * }</pre>
 *
 * <p>Every file is streamed through the digest, so a 14 GB model costs one sequential read and constant memory.
 */
public final class CheckpointHash {

    private CheckpointHash() {
    }

    /**
     * Hashes {@code checkpoint}'s config, weight files and index by the definition above.
     *
     * @throws CheckpointException naming the file that cannot be read
     */
    public static String of(Checkpoint checkpoint) {
        Map<String, Manifest.FileDigest> files = new TreeMap<>();
        files.put(Checkpoint.CONFIG_FILE, Manifest.FileDigest.of(checkpoint.configFile()));
        for (Path weights : checkpoint.weightFiles()) {
            files.put(weights.getFileName().toString(), Manifest.FileDigest.of(weights));
        }
        if (checkpoint.isSharded()) {
            files.put(ShardIndex.FILE_NAME, Manifest.FileDigest.of(checkpoint.dir().resolve(ShardIndex.FILE_NAME)));
        }
        return of(files);
    }

    /**
     * The hash over digests already at hand, such as a {@link Manifest}'s entries for a checkpoint's config, weight
     * files and index, so that a directory just written need not be read again. The caller picks the files; the
     * definition above says which belong.
     *
     * @param files plain file name to digest
     */
    public static String of(Map<String, Manifest.FileDigest> files) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        new TreeMap<>(files).forEach((name, digest) -> sha256.update(
                (name + '\0' + digest.bytes() + '\0' + digest.sha256() + '\n').getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha256.digest());
    }
}
