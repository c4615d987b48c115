package dev.wgllama.format.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * A memory-mapped {@code .safetensors} file: {@code u64 header_len} (little endian), a JSON header of
 * {@code header_len} bytes ({@code name -> {dtype, shape, data_offsets: [begin, end)}} plus an optional
 * {@code __metadata__} string map), then the raw data; offsets are relative to the first data byte.
 *
 * <p>Everything is checked once, at {@link #open}: header length against the file size, JSON syntax (with line
 * and column), dtype names, shapes (non-negative, no overflow), offsets (inside the data, begin &le; end,
 * {@code end - begin == numel * dtype size}, no two tensors overlapping). Tensor data are slices of the mapping
 * (never copied); they stay valid until {@link #close}, which unmaps the file for every thread.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Larger headers are refused: real files have headers of kilobytes to a few megabytes. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private record Entry0(String name, SafetensorsDtype dtype, String dtypeName, long[] shape, long begin, long end) {
    }

    private final Path path;
    private final Arena arena;
    private final Map<String, Entry0> entries;
    private final Map<String, String> metadata;
    private final MemorySegment data;

    private SafetensorsFile(Path path, Arena arena, Map<String, Entry0> entries, Map<String, String> metadata,
                            MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.entries = entries;
        this.metadata = metadata;
        this.data = data;
    }

    /** Maps and validates a safetensors file. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            }
            return parse(path, arena, file);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot map safetensors file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, Arena arena, MemorySegment file) {
        long size = file.byteSize();
        if (size < 8) {
            throw new ModelFormatException(path + ": file is " + size + " bytes, too short for the 8-byte "
                    + "safetensors header length");
        }
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        // Unsigned u64: a negative long is a length above 2^63, certainly absurd.
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
            throw new ModelFormatException(path + ": header length " + Long.toUnsignedString(headerLen)
                    + " at byte 0 is outside 2.." + MAX_HEADER_BYTES + " (corrupt or not a safetensors file)");
        }
        if (headerLen > size - 8) {
            throw new ModelFormatException(path + ": header length " + headerLen + " at byte 0 runs past the end"
                    + " of the file (" + size + " bytes, so at most " + (size - 8) + " header bytes); truncated?");
        }
        byte[] header = file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root = HfJson.parseObject(header, 8, path + " (safetensors header)");
        long dataStart = 8 + headerLen;
        long dataSize = size - dataStart;

        Map<String, Entry0> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                metadata = readMetadata(path, e.getValue());
                continue;
            }
            entries.put(name, readEntry(path, name, e.getValue(), dataSize));
        }
        checkOverlaps(path, entries, dataStart);
        return new SafetensorsFile(path, arena, Collections.unmodifiableMap(entries), metadata,
                file.asSlice(dataStart, dataSize));
    }

    private static Map<String, String> readMetadata(Path path, JsonNode node) {
        if (!node.isObject()) {
            throw new ModelFormatException(path + ": __metadata__ must be an object of strings, found "
                    + node.getNodeType());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(path + ": __metadata__." + e.getKey() + " must be a string, found "
                        + e.getValue().getNodeType());
            }
            m.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Entry0 readEntry(Path path, String name, JsonNode node, long dataSize) {
        String where = path + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new ModelFormatException(where + ": expected an object {dtype, shape, data_offsets}, found "
                    + node.getNodeType());
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFormatException(where + ": 'dtype' must be a string, found " + dt);
        }
        SafetensorsDtype dtype = SafetensorsDtype.parse(dt.textValue());
        if (dtype == null) {
            throw new ModelFormatException(where + ": unknown dtype '" + dt.textValue() + "'");
        }
        long[] shape = longArray(where, "shape", node.get("shape"), -1);
        long[] offsets = longArray(where, "data_offsets", node.get("data_offsets"), 2);
        long numel = 1;
        try {
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            numel = Math.multiplyExact(numel, (long) dtype.size);
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(where + ": shape " + Arrays.toString(shape) + " overflows a 64-bit size");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] begin > end");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + ": data_offsets end " + end + " is past the end of the data ("
                    + dataSize + " bytes); truncated file?");
        }
        if (end - begin != numel) {
            throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes, expected " + numel + " for " + dtype + " " + Arrays.toString(shape));
        }
        return new Entry0(name, dtype, dt.textValue(), shape, begin, end);
    }

    /** A JSON array of non-negative integers that fit a long; {@code length} = -1 for any length. */
    private static long[] longArray(String where, String key, JsonNode node, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new ModelFormatException(where + ": '" + key + "' must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, found " + node);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new ModelFormatException(where + ": " + key + "[" + i + "] = " + v
                        + " is not a non-negative 64-bit integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkOverlaps(Path path, Map<String, Entry0> entries, long dataStart) {
        List<Entry0> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry0::begin).thenComparingLong(Entry0::end));
        Entry0 prev = null;
        for (Entry0 e : sorted) {
            if (e.begin() == e.end()) {
                continue; // empty tensors occupy no bytes
            }
            if (prev != null && e.begin() < prev.end()) {
                throw new ModelFormatException(path + ": tensor '" + e.name() + "' data [" + e.begin() + ", "
                        + e.end() + ") overlaps tensor '" + prev.name() + "' [" + prev.begin() + ", " + prev.end()
                        + ") (file bytes from " + (dataStart + e.begin()) + ")");
            }
            prev = e;
        }
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Every tensor, in header order; fails if one has a dtype without a GGML type (e.g. U8, FP8). */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>(entries.size());
        for (String n : entries.keySet()) {
            out.add(tensor(n));
        }
        return out;
    }

    /** The named tensor, its data a slice of the mapping; a missing name or unusable dtype is an error. */
    public Tensor tensor(String name) {
        Entry0 e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(path + ": no tensor named '" + name + "' (" + entries.size()
                    + " tensors in the file)");
        }
        if (e.dtype().ggml == null) {
            throw new ModelFormatException(path + ": tensor '" + name + "' has dtype " + e.dtypeName()
                    + ", which wgllama does not support (supported: F32, F16, BF16, I8, I16, I32, I64, F64)");
        }
        return new Tensor(name, e.shape(), e.dtype().ggml, data.asSlice(e.begin(), e.end() - e.begin()));
    }

    /** Unmaps the file: every tensor handed out becomes invalid. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
