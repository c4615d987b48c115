package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.KvCache;
import dev.wgllama.format.Tensor;
import dev.wgllama.model.Arch;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelConfig;
import dev.wgllama.model.Rope;
import dev.wgllama.model.Transformer;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decode and prefill speed of the WebGPU backend on a random-weight Llama model of a real shape, built in memory
 * (a GPU machine may not receive model files): {@code java ... dev.wgllama.backend.webgpu.WebGpuBench
 * [1b|8b|tiny] [Q4_0|Q8_0|Q4_K|F16|...] [promptTokens] [decodeTokens] [reps] [--profile]}. Prints the adapter, the
 * medians over the repetitions (after one warm-up) and the effective weight bandwidth of decoding.
 */
public final class WebGpuBench {
    private WebGpuBench() {
    }

    /** Llama-3.2-1B, Llama-3.1-8B, or a tiny model for tests: {vocab, d, layers, heads, kvHeads, ffn}. */
    static int[] shape(String name) {
        return switch (name) {
            case "1b" -> new int[] {128256, 2048, 16, 32, 8, 8192};
            case "8b" -> new int[] {128256, 4096, 32, 32, 8, 14336};
            case "tiny" -> new int[] {512, 256, 2, 4, 2, 512};
            default -> throw new IllegalArgumentException("shape must be 1b, 8b or tiny, got " + name);
        };
    }

    /** A random weight of {@code type}: random codes, f16 scales of {@code scale} (K-quants: d and dmin). */
    static Weight random(String name, GgmlType type, long[] shape, SplittableRandom rnd, Arena arena) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        MemorySegment seg = arena.allocate(type.bytesFor(n), 16);
        byte[] buf = new byte[1 << 20];
        for (long off = 0; off < seg.byteSize(); off += buf.length) {
            rnd.nextBytes(buf);
            int len = (int) Math.min(buf.length, seg.byteSize() - off);
            MemorySegment.copy(buf, 0, seg, ValueLayout.JAVA_BYTE, off, len);
        }
        short small = Float.floatToFloat16(0.002f);
        switch (type) {
            case F32 -> fill(seg, n, 4, i -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i, 0.02f * gauss(i)));
            case F16 -> fill(seg, n, 2, i -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i,
                    Float.floatToFloat16(0.02f * gauss(i))));
            case BF16 -> fill(seg, n, 2, i -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i,
                    (short) (Float.floatToRawIntBits(0.02f * gauss(i)) >>> 16)));
            default -> {
                int[] scaleOffsets = switch (type) {
                    case Q4_K -> new int[] {0, 2};
                    case Q6_K -> new int[] {208};
                    default -> new int[] {0};
                };
                for (long b = 0; b < seg.byteSize(); b += type.typeSize()) {
                    for (int so : scaleOffsets) {
                        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, b + so, small);
                    }
                }
            }
        }
        return new GgmlWeight(new Tensor(name, shape, type, seg));
    }

    private static float gauss(long i) {
        // A cheap deterministic value in [-1, 1): enough for timing, not for statistics.
        long h = (i + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        return ((h >>> 40) / (float) (1L << 24)) * 2 - 1;
    }

    private interface Setter {
        void set(long i);
    }

    private static void fill(MemorySegment seg, long n, int bytes, Setter s) {
        for (long i = 0; i < n; i++) {
            s.set(i);
        }
    }

    /** A random-weight model of shape {@code name}; matrices in {@code type}, norms in F32 of ones. */
    static LoadedModel model(String name, GgmlType type, Arena arena) {
        int[] s = shape(name);
        int vocab = s[0];
        int d = s[1];
        int layers = s[2];
        int heads = s[3];
        int kv = s[4];
        int ffn = s[5];
        int hd = d / heads;
        ModelConfig cfg = new ModelConfig(Arch.LLAMA, vocab, d, layers, heads, kv, hd, ffn, 0, 0, 0,
                new boolean[layers], 1e-5f, 8192, new Rope(500000f, hd, null, null, Rope.PairLayout.ADJACENT),
                filled(layers), 0, false, false, 0f, 0f, true);
        SplittableRandom rnd = new SplittableRandom(1);
        Map<String, Weight> w = new HashMap<>();
        w.put("token_embd.weight", random("token_embd.weight", type, new long[] {vocab, d}, rnd, arena));
        w.put("output_norm.weight", ones("output_norm.weight", d, arena));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.put(p + "attn_norm.weight", ones(p + "attn_norm.weight", d, arena));
            w.put(p + "ffn_norm.weight", ones(p + "ffn_norm.weight", d, arena));
            w.put(p + "attn_q.weight", random(p + "attn_q.weight", type, new long[] {heads * hd, d}, rnd, arena));
            w.put(p + "attn_k.weight", random(p + "attn_k.weight", type, new long[] {kv * hd, d}, rnd, arena));
            w.put(p + "attn_v.weight", random(p + "attn_v.weight", type, new long[] {kv * hd, d}, rnd, arena));
            w.put(p + "attn_output.weight", random(p + "attn_output.weight", type, new long[] {d, heads * hd}, rnd,
                    arena));
            w.put(p + "ffn_gate.weight", random(p + "ffn_gate.weight", type, new long[] {ffn, d}, rnd, arena));
            w.put(p + "ffn_up.weight", random(p + "ffn_up.weight", type, new long[] {ffn, d}, rnd, arena));
            w.put(p + "ffn_down.weight", random(p + "ffn_down.weight", type, new long[] {d, ffn}, rnd, arena));
        }
        return new LoadedModel(Path.of("random-" + name), "synthetic", cfg, w, () -> { });
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private static Weight ones(String name, int n, Arena arena) {
        MemorySegment seg = arena.allocate(4L * n, 16);
        for (int i = 0; i < n; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
        }
        return new GgmlWeight(new Tensor(name, new long[] {n}, GgmlType.F32, seg));
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** Runs the benchmark and prints one summary line (and per-kernel times with profiling). */
    public static void run(String shape, GgmlType type, int prompt, int decode, int reps, boolean profile,
                           PrintStream out) {
        try (Arena arena = Arena.ofShared(); WebGpuBackend backend = new WebGpuBackend()) {
            LoadedModel model = model(shape, type, arena);
            long weightBytes = 0;
            for (Weight w : model.weights().values()) {
                weightBytes += w.byteSize();
            }
            try (Transformer tf = new Transformer(model, backend);
                 KvCache cache = tf.newKvCache(prompt + decode + 1)) {
                int[] tokens = new int[prompt];
                for (int i = 0; i < prompt; i++) {
                    tokens[i] = (i * 7919) % model.config().vocabSize();
                }
                double[] pre = new double[reps];
                double[] dec = new double[reps];
                for (int r = -1; r < reps; r++) {
                    if (r == 0 && profile) {
                        backend.enableProfiling();
                    }
                    long t0 = System.nanoTime();
                    int next = tf.greedyNext(cache, tokens, 0);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < decode; i++) {
                        next = tf.greedyNext(cache, new int[] {next}, prompt + i);
                    }
                    long t2 = System.nanoTime();
                    if (r >= 0) {
                        pre[r] = prompt / ((t1 - t0) / 1e9);
                        dec[r] = decode / ((t2 - t1) / 1e9);
                    }
                }
                double d = median(dec);
                out.printf("%s model=%s type=%s weights=%.1fMB prompt=%d prefill_tok_s=%.1f decode=%d decode_tok_s=%.1f"
                                + " decode_GB_s=%.1f reps=%d%n", backend.name(), shape, type, weightBytes / 1e6, prompt,
                        median(pre), decode, d, d * weightBytes / 1e9, reps);
                if (profile) {
                    backend.profile().forEach((k, v) -> out.printf("  %-14s launches=%d total_ms=%.3f%n", k, v[0],
                            v[1] / 1e6));
                }
            }
        }
    }

    public static void main(String[] args) {
        String shape = args.length > 0 ? args[0] : "1b";
        GgmlType type = args.length > 1 ? GgmlType.parse(args[1]) : GgmlType.Q4_0;
        int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int decode = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        boolean profile = Arrays.asList(args).contains("--profile");
        run(shape, type, prompt, decode, reps, profile, System.out);
    }
}
