package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgllama.gpu.Buffer;
import dev.wgllama.model.Rope;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** rmsnorm, rope (both pair layouts), attention (GQA, causal, KV cache), swiglu, add and argmax vs plain Java. */
class OpsKernelTest {
    private final Kernels k = KernelRig.kernels();

    @Test
    void rmsnormPerRow() {
        int n = 1100;
        int tokens = 3;
        Random r = new Random(5);
        float[] x = KernelRig.random(r, n * tokens, 2);
        float[] w = KernelRig.random(r, n, 1);
        float eps = 1e-5f;
        try (Buffer xb = KernelRig.buffer("x", x); Buffer wb = KernelRig.buffer("w", w);
             Buffer yb = KernelRig.zeros("y", n * tokens);
             Op op = Ops.rmsnorm(k, "norm", xb, wb, yb, n, tokens, eps)) {
            KernelRig.run(op);
            float[] y = yb.readFloats(0, n * tokens);
            for (int t = 0; t < tokens; t++) {
                double ss = 0;
                for (int i = 0; i < n; i++) {
                    ss += (double) x[t * n + i] * x[t * n + i];
                }
                double scale = 1 / Math.sqrt(ss / n + eps);
                for (int i = 0; i < n; i++) {
                    double want = x[t * n + i] * scale * w[i];
                    assertEquals(want, y[t * n + i], 2e-5 * Math.abs(want) + 1e-6, "t " + t + " i " + i);
                }
            }
        }
    }

    /** CPU RoPE in double with the same inverse frequencies. */
    static float[] ropeRef(float[] x, int heads, int hd, int dim, int pos, float[] inv, Rope.PairLayout layout) {
        float[] y = x.clone();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < dim / 2; i++) {
                int a = layout == Rope.PairLayout.ADJACENT ? h * hd + 2 * i : h * hd + i;
                int b = layout == Rope.PairLayout.ADJACENT ? a + 1 : h * hd + i + dim / 2;
                double ang = (double) pos * inv[i];
                y[a] = (float) (x[a] * Math.cos(ang) - x[b] * Math.sin(ang));
                y[b] = (float) (x[a] * Math.sin(ang) + x[b] * Math.cos(ang));
            }
        }
        return y;
    }

    @Test
    void ropeBothLayouts() {
        int heads = 3;
        int hd = 16;
        int pos = 37;
        Rope rope = new Rope(10000f, hd, null, null, Rope.PairLayout.ADJACENT);
        float[] inv = rope.inverseFrequencies();
        Random r = new Random(6);
        for (Rope.PairLayout layout : Rope.PairLayout.values()) {
            float[] x = KernelRig.random(r, heads * hd, 1);
            try (StepBuffer step = new StepBuffer(k, "step"); Buffer ib = KernelRig.buffer("inv", inv);
                 Buffer xb = KernelRig.buffer("x", x);
                 Op op = Ops.rope(k, "rope", step, ib, xb, heads, hd, hd, layout)) {
                step.set(pos);
                KernelRig.run(op);
                float[] got = xb.readFloats(0, heads * hd);
                float[] want = ropeRef(x, heads, hd, hd, pos, inv, layout);
                for (int i = 0; i < want.length; i++) {
                    // f32 angle and sin/cos on the GPU: pos * inv rounds to ~1e-6 relative.
                    assertEquals(want[i], got[i], 2e-4, layout + " element " + i);
                }
            }
        }
    }

    @Test
    void attentionGqaCausalOverCache() {
        int heads = 4;
        int kvHeads = 2;
        int hd = 16;
        int maxSeq = 300;
        int pos = 260; // more keys than the 256 threads: exercises the strided loops
        Random r = new Random(7);
        float[] q = KernelRig.random(r, heads * hd, 1);
        float[] kc = KernelRig.random(r, maxSeq * kvHeads * hd, 1);
        float[] vc = KernelRig.random(r, maxSeq * kvHeads * hd, 1);
        float scale = (float) (1 / Math.sqrt(hd));
        try (StepBuffer step = new StepBuffer(k, "step"); Buffer qb = KernelRig.buffer("q", q);
             Buffer kb = KernelRig.buffer("k", kc); Buffer vb = KernelRig.buffer("v", vc);
             Buffer sb = KernelRig.zeros("scores", heads * maxSeq); Buffer ob = KernelRig.zeros("out", heads * hd);
             Op op = Ops.attention(k, "attn", step, qb, kb, vb, sb, ob, heads, kvHeads, hd, maxSeq, scale)) {
            step.set(pos);
            KernelRig.run(op);
            float[] got = ob.readFloats(0, heads * hd);
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                double[] s = new double[pos + 1];
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= pos; j++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += (double) q[h * hd + i] * kc[(j * kvHeads + g) * hd + i];
                    }
                    s[j] = dot * scale;
                    mx = Math.max(mx, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= pos; j++) {
                    s[j] = Math.exp(s[j] - mx);
                    sum += s[j];
                }
                for (int i = 0; i < hd; i++) {
                    double o = 0;
                    for (int j = 0; j <= pos; j++) {
                        o += s[j] / sum * vc[(j * kvHeads + g) * hd + i];
                    }
                    assertEquals(o, got[h * hd + i], 1e-5, "head " + h + " dim " + i);
                }
            }
        }
    }

    @Test
    void swigluAddArgmax() {
        int n = 1028;
        Random r = new Random(8);
        float[] gate = KernelRig.random(r, n, 3);
        float[] up = KernelRig.random(r, n, 1);
        float[] logits = KernelRig.random(r, n, 1);
        logits[700] = 9f;
        logits[300] = 9f; // tie: the lower index wins
        try (Buffer gb = KernelRig.buffer("gate", gate); Buffer ub = KernelRig.buffer("up", up);
             Buffer hb = KernelRig.zeros("h", n); Buffer lb = KernelRig.buffer("logits", logits);
             Buffer ab = KernelRig.zeros("argmax", 2);
             Op sw = Ops.swiglu(k, "swiglu", gb, ub, hb, n);
             Op add = Ops.add(k, "add", gb, ub, n);
             Op am = Ops.argmax(k, "argmax", lb, ab, n)) {
            KernelRig.run(sw, add, am);
            float[] h = hb.readFloats(0, n);
            float[] sum = gb.readFloats(0, n);
            for (int i = 0; i < n; i++) {
                double silu = gate[i] / (1 + Math.exp(-gate[i]));
                assertEquals(silu * up[i], h[i], 1e-5 * Math.abs(silu * up[i]) + 1e-6, "swiglu " + i);
                assertEquals(gate[i] + up[i], sum[i], 0f, "add " + i);
            }
            int[] am2 = ab.readInts(0, 2);
            assertEquals(300, am2[0]);
            assertEquals(9f, Float.intBitsToFloat(am2[1]));
        }
    }
}
