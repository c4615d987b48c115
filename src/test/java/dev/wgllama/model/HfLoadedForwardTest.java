package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End-to-end check of what the loader hands out (canonical names, [out, in] shapes, the re-laid-out Llama 4
 * experts, the parsed config): a plain double-precision forward pass written from docs/architectures.md over the
 * loaded weights must reproduce PyTorch's reference logits. A wrong expert transposition, gate/up swap, RoPE
 * layout or layer flag moves the logits far beyond the tolerance.
 */
class HfLoadedForwardTest {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void tinyALogitsMatchReference() throws Exception {
        check("tiny-a");
    }

    @Test
    void tinyBLogitsMatchReference() throws Exception {
        check("tiny-b");
    }

    @Test
    void tinyCLogitsMatchReference() throws Exception {
        check("tiny-c");
    }

    private static void check(String model) throws Exception {
        JsonNode ref = new ObjectMapper().readTree(TestPaths.model(model).resolve("reference.json").toFile());
        JsonNode ids = ref.get("prompts").get(0).get("input_ids");
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = ids.get(i).intValue();
        }
        try (LoadedModel m = HfModelLoader.load(TestPaths.model(model));
             SafetensorsFile r = SafetensorsFile.open(TestPaths.model(model).resolve("reference.safetensors"))) {
            double[] got = new Forward(m).lastLogits(tokens);
            MemorySegment want = r.tensor("prompt0.last_logits").data();
            double num = 0;
            double den = 0;
            int best = 0;
            for (int v = 0; v < got.length; v++) {
                double w = want.get(F32, 4L * v);
                num += (got[v] - w) * (got[v] - w);
                den += w * w;
                best = got[v] > got[best] ? v : best;
            }
            assertTrue(Math.sqrt(num / den) < 1e-4, model + ": relative L2 error " + Math.sqrt(num / den));
            assertEquals(ref.get("prompts").get(0).get("greedy_32").get(0).intValue(), best);
        }
    }

    /** Reference forward pass over canonical weights, all in double. */
    private static final class Forward {
        private final LoadedModel m;
        private final ModelConfig c;
        private final Map<String, double[]> decoded = new HashMap<>();

        Forward(LoadedModel m) {
            this.m = m;
            this.c = m.config();
        }

        double[] w(String name) {
            return decoded.computeIfAbsent(name, this::decode);
        }

        private double[] decode(String name) {
            Tensor t = ((GgmlWeight) m.weight(name)).tensor();
            double[] out = new double[Math.toIntExact(t.numel())];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.type() == GgmlType.BF16
                        ? Float.intBitsToFloat(t.data().get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i) << 16)
                        : t.data().get(F32, 4L * i);
            }
            return out;
        }

        /** y = W x for W [rows, cols] stored from element {@code off}. */
        static double[] mv(double[] w, long off, int rows, int cols, double[] x) {
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int k = 0; k < cols; k++) {
                    s += w[(int) (off + (long) r * cols + k)] * x[k];
                }
                y[r] = s;
            }
            return y;
        }

        double[] rms(double[] v, int from, int n, double[] weight) {
            double ss = 0;
            for (int i = from; i < from + n; i++) {
                ss += v[i] * v[i];
            }
            double s = 1 / Math.sqrt(ss / n + c.rmsEps());
            double[] out = v.clone();
            for (int i = from; i < from + n; i++) {
                out[i] = v[i] * s * (weight == null ? 1 : weight[i - from]);
            }
            return out;
        }

        static double silu(double z) {
            return z / (1 + Math.exp(-z));
        }

        double[] swiglu(String l, String kind, double[] f, int width) {
            double[] g = mv(w(l + "ffn_gate" + kind), 0, width, c.hiddenSize(), f);
            double[] u = mv(w(l + "ffn_up" + kind), 0, width, c.hiddenSize(), f);
            for (int i = 0; i < width; i++) {
                g[i] = silu(g[i]) * u[i];
            }
            return mv(w(l + "ffn_down" + kind), 0, c.hiddenSize(), width, g);
        }

        void rope(double[] v, int heads, int p) {
            float[] inv = c.rope().inverseFrequencies();
            int hd = c.headDim();
            boolean adjacent = c.rope().layout() == Rope.PairLayout.ADJACENT;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < hd / 2; i++) {
                    int a = h * hd + (adjacent ? 2 * i : i);
                    int b = h * hd + (adjacent ? 2 * i + 1 : i + hd / 2);
                    double cos = Math.cos(p * (double) inv[i]);
                    double sin = Math.sin(p * (double) inv[i]);
                    double x = v[a];
                    double y = v[b];
                    v[a] = x * cos - y * sin;
                    v[b] = x * sin + y * cos;
                }
            }
        }

        double[] lastLogits(int[] tokens) {
            int d = c.hiddenSize();
            int hd = c.headDim();
            int n = tokens.length;
            double[] emb = w("token_embd.weight");
            double[][] x = new double[n][];
            for (int t = 0; t < n; t++) {
                x[t] = Arrays.copyOfRange(emb, tokens[t] * d, tokens[t] * d + d);
            }
            for (int l = 0; l < c.layers(); l++) {
                String b = "blk." + l + ".";
                double[][] q = new double[n][];
                double[][] k = new double[n][];
                double[][] v = new double[n][];
                for (int t = 0; t < n; t++) {
                    double[] a = rms(x[t], 0, d, w(b + "attn_norm.weight"));
                    q[t] = mv(w(b + "attn_q.weight"), 0, c.qDim(), d, a);
                    k[t] = mv(w(b + "attn_k.weight"), 0, c.kvDim(), d, a);
                    v[t] = mv(w(b + "attn_v.weight"), 0, c.kvDim(), d, a);
                    if (c.usesRope(l)) {
                        rope(q[t], c.heads(), t);
                        rope(k[t], c.kvHeads(), t);
                        if (c.qkNorm()) {
                            for (int h = 0; h < c.heads(); h++) {
                                q[t] = rms(q[t], h * hd, hd, null);
                            }
                            for (int h = 0; h < c.kvHeads(); h++) {
                                k[t] = rms(k[t], h * hd, hd, null);
                            }
                        }
                    } else if (c.attnTemperatureTuning()) {
                        double s = Math.log(Math.floor((t + 1) / c.attnFloorScale()) + 1) * c.attnScale() + 1;
                        for (int i = 0; i < q[t].length; i++) {
                            q[t][i] *= s;
                        }
                    }
                }
                int chunk = c.usesRope(l) ? c.attentionChunkSize() : 0;
                for (int t = 0; t < n; t++) {
                    double[] o = new double[c.qDim()];
                    for (int h = 0; h < c.heads(); h++) {
                        int kh = h / c.groupSize();
                        double[] s = new double[t + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j <= t; j++) {
                            boolean visible = chunk == 0 || j / chunk == t / chunk;
                            double dot = 0;
                            for (int i = 0; i < hd; i++) {
                                dot += q[t][h * hd + i] * k[j][kh * hd + i];
                            }
                            s[j] = visible ? dot / Math.sqrt(hd) : Double.NEGATIVE_INFINITY;
                            max = Math.max(max, s[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j <= t; j++) {
                            s[j] = Math.exp(s[j] - max);
                            sum += s[j];
                        }
                        for (int j = 0; j <= t; j++) {
                            for (int i = 0; i < hd; i++) {
                                o[h * hd + i] += s[j] / sum * v[j][kh * hd + i];
                            }
                        }
                    }
                    double[] proj = mv(w(b + "attn_output.weight"), 0, d, c.qDim(), o);
                    for (int i = 0; i < d; i++) {
                        x[t][i] += proj[i];
                    }
                    double[] f = rms(x[t], 0, d, w(b + "ffn_norm.weight"));
                    double[] ffn = c.isMoe(l) ? moe(b, f) : swiglu(b, ".weight", f, c.ffnSize());
                    for (int i = 0; i < d; i++) {
                        x[t][i] += ffn[i];
                    }
                }
            }
            double[] h = rms(x[n - 1], 0, d, w("output_norm.weight"));
            return mv(w(c.tiedEmbeddings() ? "token_embd.weight" : "output.weight"), 0, c.vocabSize(), d, h);
        }

        /** Top-1 sigmoid-scored expert on the scaled input plus the shared expert (expertsUsed is 1 in tiny-c). */
        double[] moe(String b, double[] f) {
            int d = c.hiddenSize();
            int ie = c.expertFfnSize();
            double[] r = mv(w(b + "ffn_gate_inp.weight"), 0, c.experts(), d, f);
            int e = 0;
            for (int i = 1; i < r.length; i++) {
                e = r[i] > r[e] ? i : e;
            }
            double score = 1 / (1 + Math.exp(-r[e]));
            double[] xin = f.clone();
            for (int i = 0; i < d; i++) {
                xin[i] *= score;
            }
            double[] g = mv(w(b + "ffn_gate_exps.weight"), (long) e * ie * d, ie, d, xin);
            double[] u = mv(w(b + "ffn_up_exps.weight"), (long) e * ie * d, ie, d, xin);
            for (int i = 0; i < ie; i++) {
                g[i] = silu(g[i]) * u[i];
            }
            double[] out = mv(w(b + "ffn_down_exps.weight"), (long) e * d * ie, d, ie, g);
            double[] shared = swiglu(b, "_shexp.weight", f, ie);
            for (int i = 0; i < d; i++) {
                out[i] += shared[i];
            }
            return out;
        }
    }
}
