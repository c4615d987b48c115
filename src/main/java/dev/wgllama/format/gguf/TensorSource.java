package dev.wgllama.format.gguf;

import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * One tensor for {@link GgufWriter}, with its bytes supplied lazily so that converting a large model streams one
 * tensor at a time. {@link #shape()} is outermost first (the writer reverses it into GGUF's innermost-first dims).
 */
public interface TensorSource {
    String name();

    /** Outermost first, 1 to 4 dimensions. */
    long[] shape();

    GgmlType type();

    /** Exact number of bytes {@link #writeTo} writes: by default {@code type().bytesFor(numel)}. */
    default long byteSize() {
        long n = 1;
        for (long d : shape()) {
            n = Math.multiplyExact(n, d);
        }
        return type().bytesFor(n);
    }

    /** Writes exactly {@link #byteSize()} bytes of tensor data to {@code out}. */
    void writeTo(WritableByteChannel out) throws IOException;

    /** A source over bytes already in memory (a mapped tensor, or an off-heap buffer). */
    static TensorSource of(String name, long[] shape, GgmlType type, MemorySegment data) {
        Objects.requireNonNull(data, "data");
        long[] s = shape.clone();
        return new TensorSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long[] shape() {
                return s.clone();
            }

            @Override
            public GgmlType type() {
                return type;
            }

            @Override
            public void writeTo(WritableByteChannel out) throws IOException {
                writeSegment(data, out);
            }
        };
    }

    /** A source copying a tensor of another file, under the same or a new name. */
    static TensorSource of(Tensor t) {
        return of(t.name(), t.shape(), t.type(), t.data());
    }

    /** Writes a whole segment to a channel in chunks of at most 1 GiB (a ByteBuffer view is int-indexed). */
    static void writeSegment(MemorySegment data, WritableByteChannel out) throws IOException {
        long chunk = 1L << 30;
        for (long off = 0; off < data.byteSize(); off += chunk) {
            var buf = data.asSlice(off, Math.min(chunk, data.byteSize() - off)).asByteBuffer();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        }
    }
}
