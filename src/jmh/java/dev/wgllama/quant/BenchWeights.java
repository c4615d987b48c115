package dev.wgllama.quant;

import dev.wgllama.format.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Random weights of any computable encoding for the benchmarks: random code bytes with sane f16 scales (the
 * speed of a kernel does not depend on the values, but NaN/subnormal scales could), off-heap like a mapped file.
 */
final class BenchWeights {
    private BenchWeights() {
    }

    /** A [rows, cols] weight: a GGML type name (F32, Q4_0, Q6_K, ...) or a block-group spec (bg-q4_0-b32-g128). */
    static Weight random(String type, int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        long[] shape = {rows, cols};
        if (type.startsWith("bg-")) {
            BlockGroupSpec spec = BlockGroupSpec.parse(type);
            return BlockGroup.quantize(spec, "bench", shape, (r, dst) -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = (float) rnd.nextGaussian() * 0.02f;
                }
            }, Arena.global());
        }
        GgmlType t = GgmlType.valueOf(type);
        long n = (long) rows * cols;
        long bytes = t.bytesFor(n);
        MemorySegment s = Arena.global().allocate(bytes, 64);
        byte[] chunk = new byte[1 << 20];
        for (long p = 0; p < bytes; p += chunk.length) {
            rnd.nextBytes(chunk);
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, s, p, Math.min(chunk.length, bytes - p));
        }
        for (long k = 0; k < n / t.blockSize(); k++) {
            long p = k * t.typeSize();
            float g = (float) rnd.nextGaussian();
            switch (t) {
                case F32 -> s.set(Fp16.FLOAT_LE, p, g);
                case F16 -> s.set(Fp16.SHORT_LE, p, Fp16.fromFloat(g));
                case BF16 -> s.set(Fp16.SHORT_LE, p, Fp16.bf16FromFloat(g));
                case Q6_K -> Fp16.writeF16(s, p + 208, 0.01f * g);
                case Q4_K -> {
                    Fp16.writeF16(s, p, 0.01f * g);
                    Fp16.writeF16(s, p + 2, 0.01f);
                }
                case Q4_1 -> {
                    Fp16.writeF16(s, p, 0.01f * g);
                    Fp16.writeF16(s, p + 2, -0.08f);
                }
                default -> Fp16.writeF16(s, p, 0.01f * g);
            }
        }
        return new GgmlWeight(new Tensor("bench", shape, t, s));
    }
}
