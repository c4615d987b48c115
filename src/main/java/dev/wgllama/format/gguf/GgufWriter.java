package dev.wgllama.format.gguf;

import dev.wgllama.format.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a GGUF v3 file: typed metadata in insertion order, tensor infos, then each tensor's data padded with
 * zeros to the alignment. Tensor data is streamed from each {@link TensorSource} in turn, so at most one tensor's
 * bytes need to exist at a time. With an alignment other than 32 the writer adds {@code general.alignment}
 * (u32) at the end of the metadata unless the caller put it there with the same value. Usage:
 * <pre>{@code
 * new GgufWriter(256).put("general.architecture", GgufValue.string("llama")).add(source).write(path);
 * }</pre>
 */
public final class GgufWriter {
    private final int alignment;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<TensorSource> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new LinkedHashSet<>();

    /** A writer with GGUF's default 32-byte alignment. */
    public GgufWriter() {
        this(GgufFile.DEFAULT_ALIGNMENT);
    }

    /** @param alignment a power of two; block-group files use 256 so each tensor maps onto its own GPU buffer */
    public GgufWriter(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || alignment > 1 << 30) {
            throw new IllegalArgumentException("GGUF alignment must be a power of two, got " + alignment);
        }
        this.alignment = alignment;
    }

    /** Adds a metadata key (kept in insertion order). Duplicate keys are rejected. */
    public GgufWriter put(String key, GgufValue value) {
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("duplicate GGUF metadata key '" + key + "'");
        }
        if (key.equals(GgufFile.ALIGNMENT_KEY)
                && !(value.type().isInteger() && value.fitsLong() && value.asLong() == alignment)) {
            throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " = " + value + " contradicts the writer's"
                    + " alignment " + alignment);
        }
        metadata.put(key, value);
        return this;
    }

    /** Adds every key of {@code values} in its order (e.g. a whole file's metadata). */
    public GgufWriter putAll(Map<String, GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    /** Adds a tensor; its bytes are requested only while {@link #write} runs. */
    public GgufWriter add(TensorSource t) {
        long[] shape = t.shape();
        if (shape.length < 1 || shape.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' has " + shape.length
                    + " dimensions, GGUF allows 1.." + GgufParser.MAX_DIMS);
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has a negative dimension");
            }
        }
        if (shape[shape.length - 1] % t.type().blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' of type " + t.type() + ": innermost"
                    + " dimension " + shape[shape.length - 1] + " is not a multiple of " + t.type().blockSize());
        }
        if (!tensorNames.add(t.name())) {
            throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
        }
        tensors.add(t);
        return this;
    }

    /** Adds a tensor already in memory (e.g. from another {@link GgufFile}). */
    public GgufWriter add(Tensor t) {
        return add(TensorSource.of(t));
    }

    /** Writes the file, replacing any existing one; a failed write leaves no partial file behind. */
    public void write(Path path) {
        try {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                write(ch);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(path);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write GGUF file " + path, e);
        }
    }

    private void write(FileChannel ch) throws IOException {
        Map<String, GgufValue> kv = new LinkedHashMap<>(metadata);
        if (alignment != GgufFile.DEFAULT_ALIGNMENT) {
            kv.putIfAbsent(GgufFile.ALIGNMENT_KEY, GgufValue.u32(alignment));
        }
        Out out = new Out(ch);
        out.u32(GgufFile.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(kv.size());
        for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            out.value(e.getValue());
        }
        long[] offsets = new long[tensors.size()];
        long[] sizes = new long[tensors.size()];
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            TensorSource t = tensors.get(i);
            long[] shape = t.shape();
            out.string(t.name());
            out.u32(shape.length);
            for (int d = shape.length - 1; d >= 0; d--) {
                out.u64(shape[d]); // innermost first
            }
            out.u32(t.type().id());
            out.u64(offset);
            offsets[i] = offset;
            sizes[i] = t.byteSize();
            offset = GgufParser.alignUp(offset + sizes[i], alignment);
        }
        out.padTo(alignment);
        out.flush();
        long dataStart = ch.position();
        for (int i = 0; i < tensors.size(); i++) {
            TensorSource t = tensors.get(i);
            long before = ch.position();
            if (before != dataStart + offsets[i]) {
                throw new IllegalStateException("GGUF writer lost its place before tensor '" + t.name() + "'");
            }
            t.writeTo(ch);
            long written = ch.position() - before;
            if (written != sizes[i]) {
                throw new IllegalStateException("tensor source '" + t.name() + "' wrote " + written
                        + " bytes, declared " + sizes[i] + " (" + t.type() + " " + java.util.Arrays.toString(
                        t.shape()) + ")");
            }
            out.padTo(alignment);
            out.flush();
        }
    }

    /** Buffered little-endian output to a channel that knows its absolute position (for padding). */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        Out(FileChannel ch) {
            this.ch = ch;
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        long position() throws IOException {
            return ch.position() + buf.position();
        }

        void padTo(int alignment) throws IOException {
            long pad = GgufParser.alignUp(position(), alignment) - position();
            for (long i = 0; i < pad; i++) {
                room(1);
                buf.put((byte) 0);
            }
        }

        void u8(byte v) throws IOException {
            room(1);
            buf.put(v);
        }

        void u16(short v) throws IOException {
            room(2);
            buf.putShort(v);
        }

        void u32(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void u64(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void bytes(byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                room(1);
                int n = Math.min(buf.remaining(), b.length - off);
                buf.put(b, off, n);
                off += n;
            }
        }

        /** Strict UTF-8: a lone surrogate is an error, not a silent '?' that would not read back the same. */
        void string(String s) throws IOException {
            ByteBuffer b;
            try {
                b = utf8.encode(CharBuffer.wrap(s));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("GGUF string is not valid Unicode (lone surrogate): "
                        + s.substring(0, Math.min(s.length(), 40)), e);
            }
            u64(b.remaining());
            while (b.hasRemaining()) {
                room(1);
                int n = Math.min(buf.remaining(), b.remaining());
                buf.put(buf.position(), b, b.position(), n);
                buf.position(buf.position() + n);
                b.position(b.position() + n);
            }
        }

        void value(GgufValue v) throws IOException {
            Object x = v.value();
            switch (v.type()) {
                case U8, I8 -> u8((Byte) x);
                case U16, I16 -> u16((Short) x);
                case U32, I32 -> u32((Integer) x);
                case U64, I64 -> u64((Long) x);
                case F32 -> u32(Float.floatToRawIntBits((Float) x));
                case F64 -> u64(Double.doubleToRawLongBits((Double) x));
                case BOOL -> u8((byte) ((Boolean) x ? 1 : 0));
                case STRING -> string((String) x);
                case ARRAY -> array((GgufArray) x);
            }
        }

        void array(GgufArray a) throws IOException {
            u32(a.elementType().id());
            u64(a.length());
            switch (a.values()) {
                case byte[] b -> bytes(b);
                case short[] s -> { for (short e : s) { u16(e); } }
                case int[] s -> { for (int e : s) { u32(e); } }
                case long[] s -> { for (long e : s) { u64(e); } }
                case float[] s -> { for (float e : s) { u32(Float.floatToRawIntBits(e)); } }
                case double[] s -> { for (double e : s) { u64(Double.doubleToRawLongBits(e)); } }
                case boolean[] s -> { for (boolean e : s) { u8((byte) (e ? 1 : 0)); } }
                case String[] s -> { for (String e : s) { string(e); } }
                case GgufArray[] s -> { for (GgufArray e : s) { array(e); } }
                default -> throw new IllegalStateException(a.values().getClass().toString());
            }
        }
    }
}
