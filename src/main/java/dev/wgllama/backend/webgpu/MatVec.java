package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A weight matrix [rows, cols] resident on the GPU in its stored encoding, for y = W x: F32, F16, BF16, GGUF
 * Q4_0/Q4_1/Q8_0/Q4_K/Q6_K block bytes unchanged, or a block-group weight's codes, scales and zero points. A weight
 * larger than one storage binding (maxStorageBufferBindingSize: 128 MiB on lavapipe and many GPUs) is split into
 * row chunks, each with its own buffers and launch writing its slice of y.
 */
public final class MatVec implements AutoCloseable {
    /** One row range of the weight; {@code buffers} are bound in order after the params (1 for GGML, 3 for bg). */
    record Chunk(List<Buffer> buffers, int firstRow, int rows) {
        List<BindGroup.Entry> entries() {
            List<BindGroup.Entry> e = new ArrayList<>(buffers.size());
            for (Buffer b : buffers) {
                e.add(new BindGroup.Entry(b, 0, b.size()));
            }
            return e;
        }
    }

    private final String kernel;
    private final int rows;
    private final int cols;
    private final int[] extraWords;
    private final List<Chunk> chunks;

    private MatVec(String kernel, int rows, int cols, int[] extraWords, List<Chunk> chunks) {
        this.kernel = kernel;
        this.rows = rows;
        this.cols = cols;
        this.extraWords = extraWords;
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
        String kernel = k.variant(kernelFor(type));
        checkShape(name, rows, cols);
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
        return new MatVec(kernel, (int) rows, (int) cols, new int[0],
                split(k, name, rows, new long[] {rowBytes}, new MemorySegment[] {data}, maxBindingBytes));
    }

    /** Uploads a block-group weight (codes, scales, optional zero points) with the device's binding limit. */
    public static MatVec upload(Kernels k, BlockGroupWeight w) {
        return upload(k, w, k.device().limits().maxStorageBufferBindingSize());
    }

    /** Uploads a block-group weight, each of its tensors split by rows within {@code maxBindingBytes}. */
    public static MatVec upload(Kernels k, BlockGroupWeight w, long maxBindingBytes) {
        BlockGroupSpec spec = w.spec();
        long rows = w.rows();
        long cols = w.cols();
        checkShape(w.name(), rows, cols);
        if (spec.blockSize() % 16 != 0 || cols % spec.groupSize() != 0) {
            throw new IllegalArgumentException("weight " + w.name() + ": block-group " + w.typeName() + " needs blocks"
                    + " of a multiple of 16 and rows of a multiple of the group size, got " + cols + " columns");
        }
        int mode = switch (spec.format()) {
            case "q4_0" -> 0;
            case "q4_1" -> 1;
            case "q8_0" -> 2;
            default -> throw new IllegalArgumentException("weight " + w.name() + ": block-group format "
                    + spec.format());
        };
        long codes = cols * spec.bits() / 8;
        long scales = 2 * (cols / spec.groupSize());
        long zeros = spec.zeroPoints() ? cols / spec.blockSize() : 0;
        long[] perRow = zeros > 0 ? new long[] {codes, scales, zeros} : new long[] {codes, scales};
        MemorySegment[] data = zeros > 0 ? new MemorySegment[] {w.codes(), w.scales(), w.zeros()}
                : new MemorySegment[] {w.codes(), w.scales()};
        for (int i = 0; i < perRow.length; i++) {
            if (data[i].byteSize() != rows * perRow[i]) {
                throw new IllegalArgumentException("weight " + w.name() + ": tensor " + i + " of " + w.typeName()
                        + " holds " + data[i].byteSize() + " bytes, expected " + rows * perRow[i]);
            }
        }
        List<Chunk> chunks = split(k, w.name(), rows, perRow, data, maxBindingBytes);
        if (zeros == 0) {
            // The kernel declares a zeros binding; without zero points it is never read: bind the scales there.
            List<Chunk> withDummy = new ArrayList<>();
            for (Chunk c : chunks) {
                withDummy.add(new Chunk(List.of(c.buffers().get(0), c.buffers().get(1), c.buffers().get(1)),
                        c.firstRow(), c.rows()));
            }
            chunks = withDummy;
        }
        return new MatVec("matvec_bg", (int) rows, (int) cols,
                new int[] {spec.groupSize(), spec.blockSize(), mode}, chunks);
    }

    private static void checkShape(String name, long rows, long cols) {
        if (rows <= 0 || cols <= 0 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight " + name + ": bad shape [" + rows + ", " + cols + "]");
        }
    }

    /**
     * Splits row-major tensors (row i of tensor j is {@code perRow[j]} bytes at {@code i * perRow[j]}) into chunks of
     * whole rows whose buffers each fit {@code maxBindingBytes} after padding to 4 bytes, and uploads them.
     */
    private static List<Chunk> split(Kernels k, String name, long rows, long[] perRow, MemorySegment[] data,
                                     long maxBindingBytes) {
        long widest = 0;
        for (long b : perRow) {
            widest = Math.max(widest, b);
        }
        if (widest + 3 > maxBindingBytes) {
            throw new IllegalArgumentException("weight " + name + ": one row (" + widest
                    + " bytes) exceeds the binding limit " + maxBindingBytes);
        }
        // Whole rows per chunk, within the binding limit and the 65535-workgroup grid (8 rows per workgroup).
        long perChunk = Math.min((maxBindingBytes - 3) / widest, 65535L * 8);
        List<Chunk> chunks = new ArrayList<>();
        try {
            for (long first = 0; first < rows; first += perChunk) {
                int n = (int) Math.min(perChunk, rows - first);
                List<Buffer> buffers = new ArrayList<>();
                chunks.add(new Chunk(buffers, (int) first, n));
                for (int j = 0; j < perRow.length; j++) {
                    long bytes = n * perRow[j];
                    Buffer b = k.device().createBuffer(name + (perRow.length > 1 ? " part " + j : "") + " rows "
                            + first + ".." + (first + n), (bytes + 3) & ~3L, Buffer.Usage.STORAGE,
                            Buffer.Usage.COPY_DST);
                    buffers.add(b);
                    MemorySegment src = data[j].asSlice(first * perRow[j], bytes);
                    long aligned = bytes & ~3L;
                    if (aligned > 0) {
                        b.write(0, src.asSlice(0, aligned));
                    }
                    if (aligned < bytes) {
                        b.write(aligned, src.asSlice(aligned).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
            }
        } catch (RuntimeException e) {
            chunks.forEach(c -> c.buffers().forEach(Buffer::close));
            throw e;
        }
        return chunks;
    }

    private static String kernelFor(GgmlType type) {
        return switch (type) {
            case F32 -> "matvec_f32";
            case F16 -> "matvec_f16";
            case BF16 -> "matvec_bf16";
            case Q4_0 -> "matvec_q4_0";
            case Q4_1 -> "matvec_q4_1";
            case Q8_0 -> "matvec_q8_0";
            case Q4_K -> "matvec_q4_k";
            case Q6_K -> "matvec_q6_k";
            default -> throw new IllegalArgumentException("no WebGPU matvec kernel for " + type
                    + " yet (F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K)");
        };
    }

    /** Whether the matvec kernels read this type as stored (otherwise the host dequantizes it to F32). */
    static boolean readsNatively(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of row chunks the weight was split into. */
    public int chunkCount() {
        return chunks.size();
    }

    /** The WGSL matvec kernel for this weight's encoding (one token per workgroup column: decode). */
    String kernel() {
        return kernel;
    }

    /**
     * The tiled matrix-matrix kernel for this weight's encoding (64 tokens x 64 rows per workgroup: prompt
     * processing), launched over (ceil(rows / 64), ceil(tokens / 64), K slices) workgroups (see GpuMatmul).
     */
    String tiledKernel() {
        return kernel.replace("matvec_", "matmul_");
    }

    List<Chunk> chunks() {
        return chunks;
    }

    /**
     * Parameter words (lib/params.wgsl) of a matvec launch over {@code rowsHere} rows starting at row {@code wRow0}
     * of chunk buffers, writing y[t * yStride + rowOffset + r]; the tokens come from the grid.
     */
    int[] words(int rowsHere, int rowOffset, int yStride, int wRow0) {
        return words(rowsHere, rowOffset, yStride, wRow0, 0, 0, 0);
    }

    /**
     * Parameter words of a tiled launch (lib/params.wgsl) over {@code tokens} rows of x, each workgroup z covering
     * {@code kSpan} vec4s of K and writing at y + z * {@code zStride}; otherwise as
     * {@link #words(int, int, int, int)}.
     */
    int[] words(int rowsHere, int rowOffset, int yStride, int wRow0, int tokens, int kSpan, int zStride) {
        int[] w = new int[11];
        w[0] = rowsHere;
        w[1] = cols;
        w[2] = rowOffset;
        w[3] = yStride;
        w[4] = wRow0;
        System.arraycopy(extraWords, 0, w, 5, extraWords.length); // block-group: G, B, mode
        w[8] = tokens;
        w[9] = kSpan;
        w[10] = zStride;
        return w;
    }

    @Override
    public void close() {
        for (Chunk c : chunks) {
            for (Buffer b : new java.util.LinkedHashSet<>(c.buffers())) {
                b.close();
            }
        }
    }
}
