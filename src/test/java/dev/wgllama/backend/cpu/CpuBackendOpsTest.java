package dev.wgllama.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.MoeWeights;
import dev.wgllama.backend.RopeTable;
import dev.wgllama.format.Tensor;
import dev.wgllama.model.Rope;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CPU backend's ops on hand-made tensors with hand-computed answers. */
class CpuBackendOpsTest {
    private final CpuBackend b = new CpuBackend(2);

    @AfterEach
    void close() {
        b.close();
    }

    static GgmlWeight f32(String name, long[] shape, float... values) {
        MemorySegment seg = Arena.ofAuto().allocate(4L * values.length, 4);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                values.length);
        return new GgmlWeight(new Tensor(name, shape, GgmlType.F32, seg));
    }

    private Activation act(int rows, int cols, float... values) {
        Activation a = b.allocate("t", rows, cols);
        System.arraycopy(values, 0, ((CpuActivation) a).data, 0, values.length);
        return a;
    }

    private static float silu(float z) {
        return (float) (z / (1 + Math.exp(-z)));
    }

    private static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }

    @Test
    void ropeLayoutsAgreeAfterThePermutation() {
        // Two heads of 8 at positions 5..7: ADJACENT on x equals ROTATE_HALF on x with each head's pair (2i, 2i+1)
        // moved to (i, i + 4), which is what the HF->GGUF converter's row permutation does.
        int hd = 8;
        int heads = 2;
        int n = 3;
        Random rnd = new Random(7);
        float[] x = new float[n * heads * hd];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] perm = new float[x.length];
        for (int r = 0; r < n * heads; r++) {
            for (int i = 0; i < hd / 2; i++) {
                perm[r * hd + i] = x[r * hd + 2 * i];
                perm[r * hd + i + hd / 2] = x[r * hd + 2 * i + 1];
            }
        }
        float[] inv = new Rope(10000f, hd, null, null, Rope.PairLayout.ADJACENT).inverseFrequencies();
        Activation a = act(n, heads * hd, x);
        Activation h = act(n, heads * hd, perm);
        b.rope(a, hd, 5, b.ropeTable(inv, Rope.PairLayout.ADJACENT));
        b.rope(h, hd, 5, b.ropeTable(inv, Rope.PairLayout.ROTATE_HALF));
        float[] ra = b.readFloats(a);
        float[] rh = b.readFloats(h);
        for (int r = 0; r < n * heads; r++) {
            for (int i = 0; i < hd / 2; i++) {
                assertEquals(ra[r * hd + 2 * i], rh[r * hd + i], 1e-6f);
                assertEquals(ra[r * hd + 2 * i + 1], rh[r * hd + i + hd / 2], 1e-6f);
            }
        }
        // Pair 0 turns by p * 1 radian: row 1 is position 6.
        int o = heads * hd;
        double c = Math.cos(6);
        double s = Math.sin(6);
        assertEquals(x[o] * c - x[o + 1] * s, ra[o], 1e-5);
        assertEquals(x[o] * s + x[o + 1] * c, ra[o + 1], 1e-5);
    }

    @Test
    void llama3FrequenciesInTheThreeBands() {
        // tiny-b: theta 500000, dim 64, factor 32, low 1, high 4, L0 8192.
        Rope.RopeScaling s = new Rope.RopeScaling(32f, 1f, 4f, 8192);
        float[] inv = new Rope(500000f, 64, s, null, Rope.PairLayout.ROTATE_HALF).inverseFrequencies();
        float[] plain = new Rope(500000f, 64, null, null, Rope.PairLayout.ROTATE_HALF).inverseFrequencies();
        int high = 0;
        int low = 0;
        int mid = 0;
        for (int i = 0; i < 32; i++) {
            double base = Math.exp(-Math.log(500000) * i / 32.0);
            assertEquals(base, plain[i], base * 1e-6);
            double wavelen = 2 * Math.PI / base;
            double want;
            if (wavelen < 8192 / 4.0) {           // short wavelengths: unchanged
                want = base;
                high++;
            } else if (wavelen > 8192 / 1.0) {    // long wavelengths: divided by the factor
                want = base / 32;
                low++;
            } else {                              // between: interpolate on 8192 / wavelength
                double t = (8192 / wavelen - 1) / (4 - 1);
                want = base / 32 + t * (base - base / 32);
                mid++;
            }
            assertEquals(want, inv[i], want * 1e-6, "pair " + i);
        }
        assertEquals(32, high + low + mid);
        org.junit.jupiter.api.Assertions.assertTrue(high > 0 && low > 0 && mid > 0, high + "/" + mid + "/" + low);
        // GGUF's baked factors give the same frequencies.
        float[] viaFactors = new Rope(500000f, 64, null, Rope.llama3Factors(500000f, 64, s),
                Rope.PairLayout.ADJACENT).inverseFrequencies();
        for (int i = 0; i < 32; i++) {
            assertEquals(inv[i], viaFactors[i], inv[i] * 1e-6);
        }
    }

    @Test
    void chunkedCausalAttentionAveragesTheVisibleValues() {
        // q = 0 makes every score equal, so each output is the mean of the V rows its position may see.
        int hd = 2;
        int n = 5;
        float[] v = new float[n * hd];
        for (int j = 0; j < n; j++) {
            v[2 * j] = j;            // value j ...
            v[2 * j + 1] = 10 * j;   // ... and 10 j
        }
        for (int chunk : new int[] {0, 2}) {
            try (KvCache cache = b.newKvCache(1, hd, 8)) {
                // Prefill 3 positions, then decode 2 one at a time: both paths go through the cache.
                Activation out3 = b.allocate("o", 3, 2 * hd);
                b.attention(cache, 0, act(3, 2 * hd), act(3, hd, java.util.Arrays.copyOf(new float[0], 3 * hd)),
                        act(3, hd, java.util.Arrays.copyOfRange(v, 0, 3 * hd)), 0, 2, hd, chunk, out3);
                cache.extend(3);
                float[] got = new float[n * 2 * hd];
                System.arraycopy(b.readFloats(out3), 0, got, 0, 3 * 2 * hd);
                for (int p = 3; p < n; p++) {
                    Activation o1 = b.allocate("o", 1, 2 * hd);
                    b.attention(cache, 0, act(1, 2 * hd), act(1, hd), act(1, hd, v[2 * p], v[2 * p + 1]), p, 2,
                            hd, chunk, o1);
                    cache.extend(p + 1);
                    System.arraycopy(b.readFloats(o1), 0, got, p * 2 * hd, 2 * hd);
                }
                for (int p = 0; p < n; p++) {
                    int first = chunk == 0 ? 0 : p / chunk * chunk;
                    double mean = (first + p) / 2.0;       // mean of first..p
                    for (int head = 0; head < 2; head++) { // both query heads share the single KV head
                        assertEquals(mean, got[p * 4 + head * 2], 1e-6, "chunk " + chunk + " p " + p);
                        assertEquals(10 * mean, got[p * 4 + head * 2 + 1], 1e-5, "chunk " + chunk + " p " + p);
                    }
                }
            }
        }
    }

    @Test
    void attentionWeighsByScaledScores() {
        // One head of 2, two positions: scores (q.k)/sqrt(2), softmax, weighted V.
        try (KvCache cache = b.newKvCache(1, 2, 4)) {
            Activation out = b.allocate("o", 2, 2);
            b.attention(cache, 0, act(2, 2, 0, 0, 1, 2), act(2, 2, 1, 0, 0, 1), act(2, 2, 1, 2, 3, 4), 0, 1, 2, 0,
                    out);
            double s0 = 1 / Math.sqrt(2);
            double s1 = 2 / Math.sqrt(2);
            double w0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
            float[] o = b.readFloats(out);
            assertArrayEquals(new float[] {1, 2, (float) (w0 * 1 + (1 - w0) * 3), (float) (w0 * 2 + (1 - w0) * 4)},
                    o, 1e-6f);
        }
    }

    @Test
    void temperatureTuningFollowsTheFloorSteps() {
        Activation q = act(9, 2);
        java.util.Arrays.fill(((CpuActivation) q).data, 1f);
        b.temperatureTune(q, 0, 4f, 0.5f);          // positions 0..8
        float[] o = b.readFloats(q);
        for (int p = 0; p < 9; p++) {
            int steps = (p + 1) / 4;                // floor((p + 1) / floor_scale)
            double want = Math.log(steps + 1) * 0.5 + 1;
            assertEquals(want, o[2 * p], 1e-6, "p " + p);
            assertEquals(want, o[2 * p + 1], 1e-6, "p " + p);
        }
        assertEquals(1.0, o[4], 0);                  // p = 2: not yet scaled
        // p0 shifts the positions: row 0 at p = 7 has floor(8 / 4) = 2.
        Activation one = act(1, 1, 1f);
        b.temperatureTune(one, 7, 4f, 0.5f);
        assertEquals(Math.log(3) * 0.5 + 1, b.readFloats(one)[0], 1e-6);
    }

    /** Three experts with d = 2, I = 1: expert e has gate row g_e, up row u_e, down column dn_e. */
    private MoeWeights experts(int topK, float... router) {
        DeviceWeight r = b.upload(f32("router", new long[] {3, 2}, router));
        DeviceWeight gate = b.upload(f32("gate", new long[] {3, 1, 2}, 1, 1, 1, 0, 0, 1));
        DeviceWeight up = b.upload(f32("up", new long[] {3, 1, 2}, 1, 0, 1, 1, 2, 0));
        DeviceWeight down = b.upload(f32("down", new long[] {3, 2, 1}, 1, 2, 3, 0, -1, 1));
        return new MoeWeights(r, gate, up, down, topK);
    }

    @Test
    void moeTopOneScalesTheExpertInput() {
        // x = [1, 2]; router logits = [1, 2, -3] -> expert 1 with score s = sigmoid(2).
        // Expert 1 on s*x: gate = s*1, up = s*(1 + 2) = 3s, h = silu(s) * 3s, out = [3h, 0].
        MoeWeights w = experts(1, 1, 0, 0, 1, -1, -1);
        Activation out = b.allocate("o", 2, 2);
        b.moe(w, act(2, 2, 1, 2, -1, 0), out);
        float s = sigmoid(2);
        float h = silu(s) * 3 * s;
        float[] o = b.readFloats(out);
        assertEquals(3 * h, o[0], 1e-6);
        assertEquals(0, o[1], 1e-6);
        // Row 2: x = [-1, 0]; logits [-1, 0, 1] -> expert 2, s = sigmoid(1); gate = 0, so h = 0.
        assertEquals(0, o[2], 1e-6);
        assertEquals(0, o[3], 1e-6);
        // Scaling the output instead of the input would give s * silu(1) * 3 * 3, which differs.
        org.junit.jupiter.api.Assertions.assertNotEquals(s * silu(1) * 3 * 3, o[0], 1e-3);
    }

    @Test
    void moeTopTwoSumsExpertsAndBreaksTiesByLowestIndex() {
        // Router logits for x = [1, 1]: [2, 2, 2] (a three-way tie) -> experts 0 and 1, both s = sigmoid(2).
        MoeWeights w = experts(2, 1, 1, 2, 0, 0, 2);
        Activation out = b.allocate("o", 1, 2);
        b.moe(w, act(1, 2, 1, 1), out);
        float s = sigmoid(2);
        float h0 = silu(2 * s) * s;          // expert 0: gate [1,1].s x = 2s, up [1,0].s x = s
        float h1 = silu(s) * 2 * s;          // expert 1: gate [1,0] -> s, up [1,1] -> 2s
        float[] o = b.readFloats(out);
        assertEquals(h0 * 1 + h1 * 3, o[0], 1e-6);
        assertEquals(h0 * 2 + h1 * 0, o[1], 1e-6);
    }

    @Test
    void rmsNormPerRowAndPerHead() {
        Activation x = act(1, 4, 1, 1, 3, 3);
        Activation o = b.allocate("o", 1, 4);
        b.rmsNorm(x, b.upload(f32("w", new long[] {4}, 1, 2, 3, 4)), 4, 0f + 1e-6f, o);
        double inv = 1 / Math.sqrt(5 + 1e-6);       // mean of squares = (1 + 1 + 9 + 9) / 4
        assertArrayEquals(new float[] {(float) inv, (float) (2 * inv), (float) (9 * inv), (float) (12 * inv)},
                b.readFloats(o), 1e-6f);
        b.rmsNorm(x, null, 2, 1e-6f, x);            // per head of 2, weightless, in place
        float a = (float) (1 / Math.sqrt(1 + 1e-6));
        assertArrayEquals(new float[] {a, a, 3 * (float) (1 / Math.sqrt(9 + 1e-6)), 3 * (float) (1 / Math.sqrt(
                9 + 1e-6))}, b.readFloats(x), 1e-6f);
    }

    @Test
    void matmulLogProbsAndArgmax() {
        DeviceWeight w = b.upload(f32("w", new long[] {3, 2}, 1, 0, 0, 1, 1, 1));
        Activation x = act(2, 2, 1, 2, 3, -4);
        Activation o = b.allocate("o", 2, 3);
        b.matmul(w, x, o);
        assertArrayEquals(new float[] {1, 2, 3, 3, -4, -1}, b.readFloats(o), 0f);
        assertEquals(2, b.argmax(o, 0));
        assertEquals(0, b.argmax(o, 1));
        float[] lp = b.logProbs(o, new int[] {1, 2});
        double z0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double z1 = Math.log(Math.exp(3) + Math.exp(-4) + Math.exp(-1));
        assertEquals(2 - z0, lp[0], 1e-6);
        assertEquals(-1 - z1, lp[1], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> b.matmul(w, o, o));
        assertThrows(IllegalArgumentException.class, () -> b.embed(w, new int[] {3}, b.allocate("e", 1, 2)));
    }

    @Test
    void cacheBoundsAreChecked() {
        try (KvCache cache = b.newKvCache(2, 4, 3)) {
            assertThrows(IllegalArgumentException.class, () -> b.attention(cache, 0, act(1, 4), act(1, 4),
                    act(1, 4), 1, 1, 4, 0, b.allocate("o", 1, 4)));   // position 1 with nothing cached
            assertThrows(IllegalArgumentException.class, () -> cache.extend(4));
            cache.extend(2);
            assertThrows(IllegalArgumentException.class, () -> cache.truncate(3));
            cache.truncate(1);
            assertEquals(1, cache.length());
        }
        assertThrows(IllegalArgumentException.class, () -> b.newKvCache(1000, 1 << 20, 1 << 20));
    }

    @Test
    void ropeTableRejectsRotaryDimBeyondHead() {
        RopeTable t = b.ropeTable(new float[4], Rope.PairLayout.ADJACENT);
        assertEquals(8, t.rotaryDim());
        assertThrows(IllegalArgumentException.class, () -> b.rope(act(1, 4), 4, 0, t));
    }
}
