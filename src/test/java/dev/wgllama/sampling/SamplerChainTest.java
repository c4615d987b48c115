package dev.wgllama.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerChainTest {

    static float ln(double p) {
        return (float) Math.log(p);
    }

    static SamplingParams plain(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, 0f, 1f, 0, 0f, 0f, seed);
    }

    @Test
    void temperatureZeroIsArgmaxWithLowestIdOnTies() {
        SamplerChain greedy = SamplerChain.of(SamplingParams.greedy());
        assertEquals(1, greedy.sample(new float[] {1f, 3f, 3f, 2f}));
        assertEquals(2, greedy.sample(new float[] {Float.NEGATIVE_INFINITY, -5f, -1f}));
        // Same answer whatever the seed and the truncation settings.
        SamplerChain g2 = SamplerChain.of(new SamplingParams(0f, 1, 0.1f, 0.9f, 1f, 0, 0f, 0f, 99));
        assertEquals(1, g2.sample(new float[] {1f, 3f, 3f, 2f}));
    }

    @Test
    void greedyStillSeesPenalties() {
        SamplerChain c = SamplerChain.of(new SamplingParams(0f, 0, 1f, 0f, 2f, 64, 0f, 0f, 0));
        float[] logits = {3f, 2f};
        assertEquals(0, c.sample(logits));
        c.accept(0); // 3 / 2 = 1.5 < 2
        assertEquals(1, c.sample(logits));
        assertArrayEquals(new float[] {3f, 2f}, logits); // the caller's array is untouched
    }

    @Test
    void stepsFollowTheParamsInOrder() {
        SamplerChain c = SamplerChain.of(new SamplingParams(0.7f, 40, 0.9f, 0.05f, 1.1f, 64, 0.1f, 0f, 1));
        assertEquals(List.of(RepetitionPenalty.class, FrequencyPresencePenalty.class, Temperature.class, TopK.class,
                TopP.class, MinP.class), c.steps().stream().map(Object::getClass).toList());
        assertEquals(List.of(Temperature.class), SamplerChain.of(plain(1f, 0)).steps().stream()
                .map(Object::getClass).toList());
        assertEquals(List.of(), SamplerChain.of(SamplingParams.greedy()).steps());
    }

    @Test
    void seedsReproduceAndDiffer() {
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i * 0.37) * 3f;
        }
        int[] a = run(SamplerChain.of(SamplingParams.defaults(42)), logits, 200);
        int[] b = run(SamplerChain.of(SamplingParams.defaults(42)), logits, 200);
        int[] other = run(SamplerChain.of(SamplingParams.defaults(43)), logits, 200);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, other));
        SamplerChain c = SamplerChain.of(SamplingParams.defaults(42));
        run(c, logits, 50);
        c.reset();
        assertArrayEquals(a, run(c, logits, 200));
    }

    static int[] run(SamplerChain c, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = c.sample(logits);
        }
        return out;
    }

    /** Empirical frequencies over 20k draws within 0.015 of the target (more than 4 standard deviations). */
    static void assertFrequencies(double[] expected, SamplerChain c, float[] logits) {
        int n = 20_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < n; i++) {
            counts[c.sample(logits)]++;
        }
        for (int t = 0; t < logits.length; t++) {
            assertEquals(expected[t], counts[t] / (double) n, 0.015, "token " + t);
        }
    }

    @Test
    void drawsFollowTheDistribution() {
        float[] logits = {ln(0.5), ln(0.2), ln(0.2), ln(0.1)};
        assertFrequencies(new double[] {0.5, 0.2, 0.2, 0.1}, SamplerChain.of(plain(1f, 1)), logits);
        // Temperature 0.5 squares the probabilities: (25, 4, 4, 1) / 34.
        assertFrequencies(new double[] {25 / 34.0, 4 / 34.0, 4 / 34.0, 1 / 34.0}, SamplerChain.of(plain(0.5f, 2)),
                logits);
        // Top-p 0.65 keeps 0.5 + 0.2 (id 1 wins the tie with id 2), renormalised to 5/7 and 2/7.
        assertFrequencies(new double[] {5 / 7.0, 2 / 7.0, 0, 0},
                SamplerChain.of(new SamplingParams(1f, 0, 0.65f, 0f, 1f, 0, 0f, 0f, 3)), logits);
        // Min-p 0.3: 0.1 < 0.15 is dropped.
        assertFrequencies(new double[] {5 / 9.0, 2 / 9.0, 2 / 9.0, 0},
                SamplerChain.of(new SamplingParams(1f, 0, 1f, 0.3f, 1f, 0, 0f, 0f, 4)), logits);
    }

    @Test
    void drawIsTheInverseCdf() {
        Candidates c = Candidates.of(new int[] {10, 11, 12}, new float[] {ln(0.5), Float.NEGATIVE_INFINITY, ln(0.5)});
        assertEquals(10, SamplerChain.draw(c, 0.0));
        assertEquals(10, SamplerChain.draw(c, 0.4999));
        assertEquals(12, SamplerChain.draw(c, 0.5001));
        assertEquals(12, SamplerChain.draw(c, Math.nextDown(1.0))); // never the -inf token
    }

    @Test
    void generatorMatchesReferenceOutputs() {
        // SplitMix64 from state 0 (reference C code by Vigna): the first three outputs.
        long x = 0;
        assertEquals(0xE220A8397B1DCDAFL, Xoshiro256StarStar.splitMix(x += 0x9E3779B97F4A7C15L));
        assertEquals(0x6E789E6AA1B965F4L, Xoshiro256StarStar.splitMix(x += 0x9E3779B97F4A7C15L));
        assertEquals(0x06C45D188009454FL, Xoshiro256StarStar.splitMix(x += 0x9E3779B97F4A7C15L));
        // xoshiro256** from state {1, 2, 3, 4}: the reference implementation's first outputs.
        Xoshiro256StarStar r = Xoshiro256StarStar.ofState(1, 2, 3, 4);
        long[] expected = {11520L, 0L, 1509978240L, 1215971899390074240L};
        for (long e : expected) {
            assertEquals(e, r.nextLong());
        }
        double d = new Xoshiro256StarStar(5).nextDouble();
        assertTrue(d >= 0 && d < 1);
    }

    @Test
    void invalidParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1f, 0, 1f, 0f, 1f, 0, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1e-30f, 0, 1f, 0f, 1f, 0, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 0f, 0f, 1f, 0, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1f, 1.5f, 1f, 0, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1f, 0f, 0f, 0, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1f, 0, 1f, 0f, 1f, -2, 0f, 0f, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(1f, 0, 1f, 0f, 1f, 0, Float.NaN, 0f, 0));
        SamplerChain c = SamplerChain.of(new SamplingParams(1f, 0, 1f, 0f, 1.3f, 8, 0f, 0f, 0));
        c.accept(7);
        assertThrows(IllegalArgumentException.class, () -> c.sample(new float[] {1f, 2f}));
    }
}
