package io.vitsom.model.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that is truncated, corrupt or not in the expected format.
 *
 * <p>The message always names the file (or the archive entry, as {@code archive.tar.gz!/path/in/archive}) and
 * the byte offset where the problem was found, e.g. {@code mnist/train-images-idx3-ubyte.gz: truncated at byte
 * offset 16384 (expected 47040016 bytes of pixel data)}. For compressed files the offset counts bytes of the
 * decompressed content, since that is what the format describes.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    /**
     * @param file the file or archive entry, as shown to the user
     * @param offset byte offset of the problem in the (decompressed) content
     * @param problem what is wrong, e.g. {@code "truncated"} or {@code "wrong magic number 0x00000801"}
     * @param detail what was expected, or {@code null}
     * @param cause the underlying exception, or {@code null}
     */
    public DatasetFormatException(String file, long offset, String problem, String detail, Throwable cause) {
        super(file + ": " + problem + " at byte offset " + offset + (detail == null ? "" : " (" + detail + ")"),
                cause);
        this.file = file;
        this.offset = offset;
    }

    /** Same as the full constructor, without a cause. */
    public DatasetFormatException(String file, long offset, String problem, String detail) {
        this(file, offset, problem, detail, null);
    }

    /** The file or archive entry, as named in the message. */
    public String file() {
        return file;
    }

    /** Byte offset of the problem in the (decompressed) content. */
    public long offset() {
        return offset;
    }

    /**
     * A short name for {@code path} in messages: parent folder and file name ({@code mnist/t10k-images-idx3-ubyte}),
     * which identifies the dataset without the noise of an absolute path.
     */
    static String displayName(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path fileName = abs.getFileName();
        if (fileName == null) {
            return abs.toString();
        }
        Path parent = abs.getParent();
        Path parentName = parent == null ? null : parent.getFileName();
        return parentName == null ? fileName.toString() : parentName + "/" + fileName;
    }
}
