package dev.wgllama.format.gguf;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF (v3, or v2 which has the same layout) file, memory-mapped read-only through a shared {@link Arena}: the
 * header, the typed metadata in file order and the tensors, whose {@link Tensor#data()} are exact slices of the
 * mapping (tensor bytes are never copied onto the heap). Closing the file unmaps it; tensors must not be used
 * afterwards.
 *
 * <p>Every malformed, truncated or hostile file fails in {@link #open} with a {@link ModelFormatException} naming
 * the file and the byte offset: counts and lengths are checked against the bytes that remain before anything is
 * allocated for them, so a lying header can neither exhaust memory nor loop for long.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian u32. */
    static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final int alignment;
    private final long dataOffset;
    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Result r) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = r.version();
        this.metadata = new GgufMetadata(path.toString(), r.metadata());
        this.alignment = r.alignment();
        this.dataOffset = r.dataOffset();
        this.tensors = Collections.unmodifiableList(new ArrayList<>(r.tensors()));
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : r.tensors()) {
            m.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @throws ModelFormatException when the file is not a well-formed GGUF v2/v3 file, or cannot be read
     */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            }
            GgufParser.Result r = new GgufParser(new GgufCursor(seg, path.toString())).parse();
            return new GgufFile(path, arena, seg, r);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot read GGUF file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses an in-memory image (tests feed hostile bytes without files); {@code arena} is closed on failure. */
    static GgufFile parse(Path name, MemorySegment image, Arena arena) {
        try {
            return new GgufFile(name, arena, image, new GgufParser(new GgufCursor(image, name.toString())).parse());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The GGUF version (2 or 3). */
    public int version() {
        return version;
    }

    /** general.alignment, or 32 when absent: a power of two; every tensor's offset is a multiple of it. */
    public int alignment() {
        return alignment;
    }

    /** Absolute byte offset of the data section (after the tensor infos, padded to the alignment). */
    public long dataOffset() {
        return dataOffset;
    }

    /** The whole mapped file. */
    public MemorySegment mapping() {
        return mapping;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors in file order; shapes outermost first; data are slices of the mapping. */
    public List<Tensor> tensors() {
        return tensors;
    }

    /** The tensor with this name, or null. */
    public Tensor tensor(String name) {
        return byName.get(name);
    }

    /** The tensor with this name, or a ModelFormatException naming the file when it is absent. */
    public Tensor requireTensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new ModelFormatException(path + ": tensor '" + name + "' is missing");
        }
        return t;
    }

    // Convenience getters: see GgufMetadata.
    public String string(String key) {
        return metadata.string(key);
    }

    public int int32(String key) {
        return metadata.int32(key);
    }

    public long u32(String key) {
        return metadata.u32(key);
    }

    public float float32(String key) {
        return metadata.float32(key);
    }

    public String[] stringArray(String key) {
        return metadata.stringArray(key);
    }

    public float[] floatArray(String key) {
        return metadata.floatArray(key);
    }

    public int[] intArray(String key) {
        return metadata.intArray(key);
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return path + " (GGUF v" + version + ", " + metadata.asMap().size() + " keys, " + tensors.size()
                + " tensors)";
    }
}
