package dev.wgllama.format.gguf;

import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses the GGUF header, metadata and tensor infos from a {@link GgufCursor}; see {@link GgufFile}. */
final class GgufParser {
    /** Smallest possible key/value: u64 key length (empty key), u32 type, a 1-byte value. */
    private static final int MIN_KV_BYTES = 8 + 4 + 1;
    /** Smallest possible tensor info: u64 name length, u32 n_dims, one u64 dim, u32 type, u64 offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** GGML tensors have at most 4 dimensions. */
    static final int MAX_DIMS = 4;
    /** Arrays of arrays nest at most this deep (no real file nests at all; this bounds the recursion). */
    private static final int MAX_ARRAY_DEPTH = 8;

    record Result(int version, Map<String, GgufValue> metadata, int alignment, long dataOffset,
                  List<Tensor> tensors) {
    }

    private final GgufCursor in;
    /** Where the general.alignment key starts, for its error messages. */
    private long alignmentAt;

    GgufParser(GgufCursor in) {
        this.in = in;
    }

    Result parse() {
        int version = header();
        long tensorCountAt = in.pos();
        long tensorCount = in.u64("tensor count");
        long kvCountAt = in.pos();
        long kvCount = in.u64("metadata key/value count");
        in.checkCount(kvCount, MIN_KV_BYTES, "metadata key/value count", kvCountAt);
        in.checkCount(tensorCount, MIN_TENSOR_INFO_BYTES, "tensor count", tensorCountAt);
        if (kvCount * MIN_KV_BYTES + tensorCount * MIN_TENSOR_INFO_BYTES > in.remaining()) {
            throw in.error(kvCount + " key/values and " + tensorCount + " tensor infos cannot fit in the "
                    + in.remaining() + " bytes that remain", kvCountAt);
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = in.pos();
            String key = in.string("metadata key #" + i);
            long typeAt = in.pos();
            int typeId = in.u32("type of metadata key '" + key + "'");
            GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(typeId));
            if (type == null) {
                throw in.error("metadata key '" + key + "' has unknown value type id "
                        + Integer.toUnsignedString(typeId) + " (known: 0..12)", typeAt);
            }
            GgufValue v = value(type, key, 0);
            if (kv.putIfAbsent(key, v) != null) {
                throw in.error("duplicate metadata key '" + key + "'", at);
            }
            if (key.equals(GgufFile.ALIGNMENT_KEY)) {
                alignmentAt = at;
            }
        }
        int alignment = alignment(kv);
        List<Info> infos = tensorInfos(tensorCount, alignment);
        long dataOffset = alignUp(in.pos(), alignment);
        List<Tensor> tensors = new ArrayList<>(infos.size());
        MemorySegment seg = in.segment();
        for (Info t : infos) {
            long avail = in.size() - dataOffset;
            if (avail < 0 || t.offset > avail || t.bytes > avail - t.offset) {
                throw in.error("tensor '" + t.name + "' data [" + (dataOffset + t.offset) + ", "
                        + (dataOffset + t.offset + t.bytes) + ") lies past the end of the file (" + in.size()
                        + " bytes; data section starts at " + dataOffset + ")", t.at);
            }
            tensors.add(new Tensor(t.name, t.shape, t.type, seg.asSlice(dataOffset + t.offset, t.bytes)));
        }
        return new Result(version, kv, alignment, dataOffset, tensors);
    }

    private int header() {
        in.need(4, "magic");
        int magic = in.u32("magic");
        if (magic != GgufFile.MAGIC) {
            throw in.error("not a GGUF file: magic is 0x" + String.format("%08x", Integer.reverseBytes(magic))
                    + ", expected 0x47475546 (\"GGUF\")", 0);
        }
        int version = in.u32("version");
        if (version == 2 || version == 3) {
            return version;
        }
        if (version == 1) {
            throw in.error("GGUF version 1 is not supported (it used 32-bit counts and lengths); only versions 2"
                    + " and 3 are: re-convert the model with a current llama.cpp", 4);
        }
        if ((version & 0xFFFF) == 0 && version != 0) {
            throw in.error("big-endian GGUF files are not supported (version field reads 0x"
                    + Integer.toHexString(version) + ")", 4);
        }
        throw in.error("unsupported GGUF version " + Integer.toUnsignedString(version) + ", expected 3 (or 2)", 4);
    }

    private int alignment(Map<String, GgufValue> kv) {
        GgufValue a = kv.get(GgufFile.ALIGNMENT_KEY);
        if (a == null) {
            return GgufFile.DEFAULT_ALIGNMENT;
        }
        if (!a.type().isInteger()) {
            throw in.error(GgufFile.ALIGNMENT_KEY + " has type " + a.type().label() + ", expected u32",
                    alignmentAt);
        }
        long v = a.asLong();
        if (v <= 0 || v > (1 << 30) || Long.bitCount(v) != 1 || !a.fitsLong()) {
            throw in.error(GgufFile.ALIGNMENT_KEY + " = " + v + " is not a power of two between 1 and 2^30",
                    alignmentAt);
        }
        return (int) v;
    }

    private record Info(String name, long[] shape, GgmlType type, long offset, long bytes, long at) {
    }

    private List<Info> tensorInfos(long count, int alignment) {
        List<Info> out = new ArrayList<>((int) Math.min(count, 1 << 16));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < count; i++) {
            long at = in.pos();
            String name = in.string("name of tensor #" + i);
            if (!names.add(name)) {
                throw in.error("duplicate tensor name '" + name + "'", at);
            }
            long dimsAt = in.pos();
            int nDims = in.u32("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw in.error("tensor '" + name + "' has " + Integer.toUnsignedString(nDims)
                        + " dimensions, expected 1.." + MAX_DIMS, dimsAt);
            }
            long[] shape = new long[nDims];
            long numel = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = in.pos();
                long dim = in.u64("dimension " + d + " of tensor '" + name + "'");
                if (dim < 0) {
                    throw in.error("tensor '" + name + "' dimension " + d + " = " + Long.toUnsignedString(dim)
                            + " is out of range", dimAt);
                }
                try {
                    numel = Math.multiplyExact(numel, dim);
                } catch (ArithmeticException e) {
                    throw in.error("tensor '" + name + "' dimensions overflow a 64-bit element count", dimAt);
                }
                shape[nDims - 1 - d] = dim; // GGUF dims are innermost first; Tensor.shape is outermost first
            }
            long typeAt = in.pos();
            int typeId = in.u32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw in.error("tensor '" + name + "' has unknown GGML type id " + Integer.toUnsignedString(typeId),
                        typeAt);
            }
            long inner = shape[nDims - 1];
            if (inner % type.blockSize() != 0) {
                throw in.error("tensor '" + name + "' of type " + type + " has innermost dimension " + inner
                        + ", not a multiple of the block size " + type.blockSize(), dimsAt);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel / type.blockSize(), (long) type.typeSize());
            } catch (ArithmeticException e) {
                throw in.error("tensor '" + name + "' byte size overflows 64 bits", dimsAt);
            }
            long offAt = in.pos();
            long offset = in.u64("data offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw in.error("tensor '" + name + "' data offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + alignment, offAt);
            }
            out.add(new Info(name, shape, type, offset, bytes, at));
        }
        return out;
    }

    private GgufValue value(GgufValueType type, String key, int depth) {
        String what = "value of metadata key '" + key + "'";
        return switch (type) {
            case U8 -> new GgufValue(type, in.u8(what));
            case I8 -> new GgufValue(type, in.u8(what));
            case U16, I16 -> new GgufValue(type, in.u16(what));
            case U32, I32 -> new GgufValue(type, in.u32(what));
            case U64, I64 -> new GgufValue(type, in.u64(what));
            case F32 -> new GgufValue(type, in.f32(what));
            case F64 -> new GgufValue(type, in.f64(what));
            case BOOL -> new GgufValue(type, bool(what));
            case STRING -> new GgufValue(type, in.string(what));
            case ARRAY -> new GgufValue(type, array(key, depth));
        };
    }

    private boolean bool(String what) {
        long at = in.pos();
        byte b = in.u8(what);
        if (b != 0 && b != 1) {
            throw in.error(what + " is a bool with byte value " + (b & 0xFF) + ", expected 0 or 1", at);
        }
        return b == 1;
    }

    private GgufArray array(String key, int depth) {
        long at = in.pos();
        if (depth >= MAX_ARRAY_DEPTH) {
            throw in.error("metadata key '" + key + "' nests arrays deeper than " + MAX_ARRAY_DEPTH, at);
        }
        int typeId = in.u32("element type of array '" + key + "'");
        GgufValueType et = GgufValueType.byId(Integer.toUnsignedLong(typeId));
        if (et == null) {
            throw in.error("array '" + key + "' has unknown element type id " + Integer.toUnsignedString(typeId),
                    at);
        }
        long countAt = in.pos();
        long n = in.u64("length of array '" + key + "'");
        in.checkCount(n, et.fixedSize(), "length of array '" + key + "' (" + et.label() + ")", countAt);
        if (n > Integer.MAX_VALUE - 16) {
            throw in.error("array '" + key + "' has " + n + " elements, more than a Java array holds", countAt);
        }
        int len = (int) n;
        String what = "array '" + key + "'";
        Object values = switch (et) {
            case U8, I8 -> bulk(new byte[len], ValueLayout.JAVA_BYTE, what);
            case U16, I16 -> bulk(new short[len], GgufCursor.U16, what);
            case U32, I32 -> bulk(new int[len], GgufCursor.U32, what);
            case U64, I64 -> bulk(new long[len], GgufCursor.U64, what);
            case F32 -> bulk(new float[len], GgufCursor.F32, what);
            case F64 -> bulk(new double[len], GgufCursor.F64, what);
            case BOOL -> {
                boolean[] b = new boolean[len];
                String elem = "an element of " + what;
                for (int i = 0; i < len; i++) {
                    b[i] = bool(elem);
                }
                yield b;
            }
            case STRING -> {
                String[] s = new String[len];
                String elem = "an element of " + what; // built once: 128k-token vocabularies
                for (int i = 0; i < len; i++) {
                    s[i] = in.string(elem);
                }
                yield s;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[len];
                for (int i = 0; i < len; i++) {
                    a[i] = array(key, depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(et, values);
    }

    private Object bulk(Object dst, ValueLayout layout, String what) {
        in.bulk(layout, dst, java.lang.reflect.Array.getLength(dst), what);
        return dst;
    }

    static long alignUp(long x, int alignment) {
        return (x + alignment - 1) & -(long) alignment;
    }
}
