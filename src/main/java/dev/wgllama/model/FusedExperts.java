package dev.wgllama.model;

import dev.wgllama.format.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * Re-lays-out Hugging Face Llama 4 fused expert tensors, which are input-major (used as {@code x @ W[e]}), into
 * the output-major per-expert matrices of GGUF / {@code nn.Linear}:
 * <ul>
 *   <li>{@code gate_up_proj [E, d, 2I]} -> {@code ffn_gate_exps [E, I, d]} (columns 0..I-1) and
 *       {@code ffn_up_exps [E, I, d]} (columns I..2I-1)</li>
 *   <li>{@code down_proj [E, I, d]} -> {@code ffn_down_exps [E, d, I]}</li>
 * </ul>
 * Values are moved bit for bit (bf16 stays bf16) into memory allocated from the caller's arena.
 */
final class FusedExperts {
    /** Square tiles keep both the strided reads and the strided writes inside the cache. */
    private static final int TILE = 64;

    private FusedExperts() {
    }

    /** Columns {@code [c0, c0 + cols)} of each expert's {@code [rows, rowStride]} matrix, transposed. */
    static Tensor transpose(Tensor src, String name, long c0, long cols, Arena arena) {
        long[] s = src.shape(); // [E, rows, rowStride]
        long experts = s[0];
        long rows = s[1];
        long stride = s[2];
        int es = (int) src.type().bytesFor(1);
        MemorySegment out = arena.allocate(Math.multiplyExact(Math.multiplyExact(experts * cols, rows), es), 64);
        MemorySegment in = src.data();
        // Experts are independent: transpose them in parallel (the segments belong to shared arenas).
        IntStream.range(0, Math.toIntExact(experts)).parallel().forEach(e -> {
            long inBase = e * rows * stride;
            long outBase = e * cols * rows;
            for (long r0 = 0; r0 < rows; r0 += TILE) {
                long r1 = Math.min(rows, r0 + TILE);
                for (long cc = 0; cc < cols; cc += TILE) {
                    long cEnd = Math.min(cols, cc + TILE);
                    for (long r = r0; r < r1; r++) {
                        long inRow = inBase + r * stride + c0;
                        for (long c = cc; c < cEnd; c++) {
                            // out[e][c][r] = in[e][r][c0 + c]  (element indices)
                            copy(in, (inRow + c) * es, out, (outBase + c * rows + r) * es, es);
                        }
                    }
                }
            }
        });
        return new Tensor(name, new long[] {experts, cols, rows}, src.type(), out);
    }

    private static void copy(MemorySegment in, long from, MemorySegment out, long to, int es) {
        switch (es) {
            case 2 -> out.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, in.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
            case 4 -> out.set(ValueLayout.JAVA_INT_UNALIGNED, to, in.get(ValueLayout.JAVA_INT_UNALIGNED, from));
            case 1 -> out.set(ValueLayout.JAVA_BYTE, to, in.get(ValueLayout.JAVA_BYTE, from));
            default -> MemorySegment.copy(in, from, out, to, es);
        }
    }
}
