package dev.wgllama.tools;

import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufWriter;
import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.QuantFormat;
import dev.wgllama.quant.Quants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Writes a random-weight GGUF of Llama-3.2-1B's shape (d 2048, 16 layers, 32 query / 8 KV heads of 64, FFN 8192,
 * vocab 128256, tied embeddings, rope θ 500000) for speed benchmarks against llama.cpp: the matrices quantized
 * with our own quantizer (Q4_0 by default, or any type we can quantize), norms f32 ones, and an SentencePiece-style
 * vocabulary ({@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens, then placeholders) that llama.cpp
 * accepts. Weights are uniform in ±0.035 (about the spread of trained ones); the values do not matter for speed.
 *
 * <p>Usage (from scripts/make-random-llama-gguf.sh): {@code RandomLlamaGguf OUT.gguf [TYPE] [LAYERS]}.
 */
public final class RandomLlamaGguf {
    private RandomLlamaGguf() {
    }

    static final int D = 2048;
    static final int HEADS = 32;
    static final int KV_HEADS = 8;
    static final int HEAD_DIM = 64;
    static final int FFN = 8192;
    static final int VOCAB = 128256;

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: RandomLlamaGguf OUT.gguf [TYPE=Q4_0] [LAYERS=16]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        GgmlType type = GgmlType.valueOf(args.length > 1 ? args[1].toUpperCase(java.util.Locale.ROOT) : "Q4_0");
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        write(out, type, layers);
        System.out.println(out);
    }

    /** Writes the model; matrices in {@code type}, norms in F32. */
    public static void write(Path out, GgmlType type, int layers) {
        String a = "llama.";
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.put("general.name", GgufValue.string("random-llama-3.2-1b-shape"));
        w.put(a + "context_length", GgufValue.u32(131072));
        w.put(a + "embedding_length", GgufValue.u32(D));
        w.put(a + "block_count", GgufValue.u32(layers));
        w.put(a + "feed_forward_length", GgufValue.u32(FFN));
        w.put(a + "attention.head_count", GgufValue.u32(HEADS));
        w.put(a + "attention.head_count_kv", GgufValue.u32(KV_HEADS));
        w.put(a + "attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5f));
        w.put(a + "rope.dimension_count", GgufValue.u32(HEAD_DIM));
        w.put(a + "rope.freq_base", GgufValue.f32(500000f));
        w.put(a + "vocab_size", GgufValue.u32(VOCAB));
        String[] tokens = new String[VOCAB];
        float[] scores = new float[VOCAB];
        int[] kinds = new int[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            if (i < 3) {
                tokens[i] = new String[] {"<unk>", "<s>", "</s>"}[i];
                kinds[i] = i == 0 ? 2 : 3;                       // unknown, control
            } else if (i < 3 + 256) {
                tokens[i] = String.format("<0x%02X>", i - 3);
                kinds[i] = 6;                                     // byte
            } else {
                tokens[i] = "\u2581t" + i;
                kinds[i] = 1;                                     // normal
                scores[i] = -i;
            }
        }
        w.put("tokenizer.ggml.model", GgufValue.string("llama"));
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings(tokens)));
        w.put("tokenizer.ggml.scores", GgufValue.array(GgufArray.f32(scores)));
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufArray.i32(kinds)));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.u32(1));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.u32(2));
        long seed = 1;
        w.add(matrix("token_embd.weight", type, VOCAB, D, seed++));
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            w.add(ones(b + "attn_norm.weight", D));
            w.add(matrix(b + "attn_q.weight", type, HEADS * HEAD_DIM, D, seed++));
            w.add(matrix(b + "attn_k.weight", type, KV_HEADS * HEAD_DIM, D, seed++));
            w.add(matrix(b + "attn_v.weight", type, KV_HEADS * HEAD_DIM, D, seed++));
            w.add(matrix(b + "attn_output.weight", type, D, HEADS * HEAD_DIM, seed++));
            w.add(ones(b + "ffn_norm.weight", D));
            w.add(matrix(b + "ffn_gate.weight", type, FFN, D, seed++));
            w.add(matrix(b + "ffn_up.weight", type, FFN, D, seed++));
            w.add(matrix(b + "ffn_down.weight", type, D, FFN, seed++));
        }
        w.add(ones("output_norm.weight", D));
        w.write(out);
    }

    private static TensorSource ones(String name, int n) {
        MemorySegment s = Arena.global().allocate(4L * n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, 1f);
        }
        return TensorSource.of(name, new long[] {n}, GgmlType.F32, s);
    }

    /** A [rows, cols] matrix quantized row by row while it is written (never the whole tensor in memory). */
    private static TensorSource matrix(String name, GgmlType type, int rows, int cols, long seed) {
        QuantFormat f = Quants.of(type);
        long rowBytes = f.rowBytes(cols);
        return new TensorSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long[] shape() {
                return new long[] {rows, cols};
            }

            @Override
            public GgmlType type() {
                return type;
            }

            @Override
            public void writeTo(WritableByteChannel ch) throws IOException {
                float[] row = new float[cols];
                byte[] bytes = new byte[(int) rowBytes * 64];
                MemorySegment seg = MemorySegment.ofArray(bytes);
                long x = seed * 0x9E3779B97F4A7C15L + 1;
                for (int r0 = 0; r0 < rows; r0 += 64) {
                    int n = Math.min(64, rows - r0);
                    for (int k = 0; k < n; k++) {
                        for (int i = 0; i < cols; i++) {
                            x ^= x << 13;                             // xorshift64: fast, plenty for benchmarks
                            x ^= x >>> 7;
                            x ^= x << 17;
                            row[i] = ((x >>> 40) * 0x1p-24f - 0.5f) * 0.07f;
                        }
                        f.quantizeRow(row, 0, cols, seg, k * rowBytes);
                    }
                    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, (int) (n * rowBytes));
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }
            }
        };
    }
}
