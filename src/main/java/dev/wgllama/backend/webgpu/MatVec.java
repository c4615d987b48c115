package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.Buffer;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A weight matrix [rows, cols] resident on the GPU in its stored encoding (F32, F16, BF16, or GGUF Q4_0/Q8_0/
 * Q4_K/Q6_K block bytes unchanged), for y = W x. A weight larger than one storage binding
 * (maxStorageBufferBindingSize: 128 MiB on lavapipe and many GPUs) is split into row chunks, each its own buffer and dispatch writing its slice of y.
 */
public final class MatVec implements AutoCloseable {
    /** One row range of the weight in its own buffer. */
    record Chunk(Buffer buffer, int firstRow, int rows) {
    }

    private final Kernels kernels;
    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final List<Chunk> chunks;

    private MatVec(Kernels kernels, String name, GgmlType type, int rows, int cols, List<Chunk> chunks) {
        this.kernels = kernels;
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.chunks = List.copyOf(chunks);
    }

    /** Uploads with the device's own binding limit. */
    public static MatVec upload(Kernels k, String name, GgmlType type, long rows, long cols, MemorySegment data) {
        return upload(k, name, type, rows, cols, data, k.device().limits().maxStorageBufferBindingSize());
    }

    /**
     * Uploads {@code data} (rows × row-bytes, as stored in GGUF) split so no chunk exceeds {@code maxBindingBytes}.
     *
     * @throws IllegalArgumentException on an unsupported type, a bad shape or a data size that does not match
     */
    public static MatVec upload(Kernels k, String name, GgmlType type, long rows, long cols, MemorySegment data,
                                long maxBindingBytes) {
        kernelFor(type);
        if (rows <= 0 || cols <= 0 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight " + name + ": bad shape [" + rows + ", " + cols + "]");
        }
        int multiple = type.quantized() ? type.blockSize() : 4;
        if (cols % multiple != 0) {
            throw new IllegalArgumentException("weight " + name + ": " + cols + " columns is not a multiple of "
                    + multiple + " as the " + type + " kernel needs");
        }
        long rowBytes = type.bytesFor(cols);
        if (data.byteSize() != rows * rowBytes) {
            throw new IllegalArgumentException("weight " + name + ": " + type + " [" + rows + ", " + cols + "] needs "
                    + rows * rowBytes + " bytes, got " + data.byteSize());
        }
        if (rowBytes + 3 > maxBindingBytes) {
            throw new IllegalArgumentException("weight " + name + ": one row (" + rowBytes
                    + " bytes) exceeds the binding limit " + maxBindingBytes);
        }
        // Whole rows per chunk, within the binding limit (after padding to 4 bytes) and the 65535-workgroup grid.
        long perChunk = Math.min((maxBindingBytes - 3) / rowBytes, 65535L * 8);
        List<Chunk> chunks = new ArrayList<>();
        try {
            for (long first = 0; first < rows; first += perChunk) {
                int n = (int) Math.min(perChunk, rows - first);
                long bytes = n * rowBytes;
                long padded = (bytes + 3) & ~3L;
                Buffer b = k.device().createBuffer(name + " rows " + first + ".." + (first + n), padded,
                        Buffer.Usage.STORAGE, Buffer.Usage.COPY_DST);
                chunks.add(new Chunk(b, (int) first, n));
                MemorySegment src = data.asSlice(first * rowBytes, bytes);
                long aligned = bytes & ~3L;
                if (aligned > 0) {
                    b.write(0, src.asSlice(0, aligned));
                }
                if (aligned < bytes) {
                    b.write(aligned, src.asSlice(aligned).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
        } catch (RuntimeException e) {
            chunks.forEach(c -> c.buffer().close());
            throw e;
        }
        return new MatVec(k, name, type, (int) rows, (int) cols, chunks);
    }

    private static String kernelFor(GgmlType type) {
        return switch (type) {
            case F32 -> "matvec_f32";
            case F16 -> "matvec_f16";
            case BF16 -> "matvec_bf16";
            case Q4_0 -> "matvec_q4_0";
            case Q8_0 -> "matvec_q8_0";
            case Q4_K -> "matvec_q4_k";
            case Q6_K -> "matvec_q6_k";
            default -> throw new IllegalArgumentException("no WebGPU matvec kernel for " + type
                    + " yet (F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q6_K)");
        };
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of buffers (bindings) the weight was split into. */
    public int chunkCount() {
        return chunks.size();
    }

    /** The WGSL kernel for this weight's encoding. */
    String kernel() {
        return kernelFor(type);
    }

    List<Chunk> chunks() {
        return chunks;
    }

    /** Whether the matvec kernels read this type as stored (otherwise the host dequantizes it to F32). */
    static boolean native_(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    @Override
    public void close() {
        chunks.forEach(c -> c.buffer().close());
    }
}
