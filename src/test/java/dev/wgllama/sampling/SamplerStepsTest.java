package dev.wgllama.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each step on hand-made logits whose results are worked out exactly (values chosen to be exact in binary). */
class SamplerStepsTest {

    static Candidates vocab(float... logits) {
        Candidates c = new Candidates();
        c.reset(logits);
        return c;
    }

    static TokenHistory history(int... tokens) {
        TokenHistory h = new TokenHistory();
        for (int t : tokens) {
            h.add(t);
        }
        return h;
    }

    static float ln(double p) {
        return (float) Math.log(p);
    }

    @Test
    void repetitionPenaltyDividesPositiveMultipliesNonPositiveOncePerToken() {
        Candidates c = vocab(2f, -2f, 0f, 1f, 3f);
        // token 0 twice: still divided once (llama.cpp); token 2 has logit 0: 0 * 2 = 0.
        new RepetitionPenalty(2f, -1).apply(c, history(0, 1, 2, 0));
        assertArrayEquals(new float[] {1f, -4f, 0f, 1f, 3f}, c.logits());
        // Window of 2: only the last two tokens (2, 0) are penalised.
        c = vocab(2f, -2f, 0f, 1f, 3f);
        new RepetitionPenalty(2f, 2).apply(c, history(1, 2, 0));
        assertArrayEquals(new float[] {1f, -2f, 0f, 1f, 3f}, c.logits());
        // A penalty below 1 favours repeats.
        c = vocab(2f, -2f);
        new RepetitionPenalty(0.5f, 64).apply(c, history(0, 1));
        assertArrayEquals(new float[] {4f, -1f}, c.logits());
    }

    @Test
    void frequencyAndPresencePenaltiesCountOccurrences() {
        Candidates c = vocab(1f, 1f, 1f, -1f);
        new FrequencyPresencePenalty(0.5f, 0.25f, -1).apply(c, history(0, 0, 1, 3, 0));
        // token 0: 1 - 3*0.5 - 0.25; token 1: 1 - 0.5 - 0.25; token 2 unseen; token 3: -1 - 0.5 - 0.25
        assertArrayEquals(new float[] {-0.75f, 0.25f, 1f, -1.75f}, c.logits());
    }

    @Test
    void penaltiesOnAFilteredCandidateListMatchById() {
        Candidates c = Candidates.of(new int[] {7, 3, 9}, new float[] {4f, 4f, -1f});
        new RepetitionPenalty(4f, -1).apply(c, history(3, 9, 100));
        assertArrayEquals(new int[] {7, 3, 9}, c.ids());
        assertArrayEquals(new float[] {4f, 1f, -4f}, c.logits());
    }

    @Test
    void penaltyRejectsHistoryOutsideVocabulary() {
        Candidates c = vocab(1f, 2f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RepetitionPenalty(1.1f, -1).apply(c, history(5)));
        assertEquals("token 5 in the history is outside the vocabulary of 2 logits", e.getMessage());
    }

    @Test
    void temperatureDividesLogits() {
        Candidates c = vocab(2f, 4f, -1f);
        new Temperature(2f).apply(c, history());
        assertArrayEquals(new float[] {1f, 2f, -0.5f}, c.logits());
        assertThrows(IllegalArgumentException.class, () -> new Temperature(0f));
    }

    @Test
    void topKKeepsBestSortedWithLowIdsWinningTies() {
        Candidates c = vocab(1f, 5f, 3f, 5f, 2f, 4f);
        new TopK(3).apply(c, history());
        assertArrayEquals(new int[] {1, 3, 5}, c.ids());
        assertArrayEquals(new float[] {5f, 5f, 4f}, c.logits());
        // Tie at the cut: of the three 2s, ids 0 and 2 stay.
        c = vocab(2f, 1f, 2f, 2f);
        new TopK(2).apply(c, history());
        assertArrayEquals(new int[] {0, 2}, c.ids());
        // k above the size keeps everything, sorted.
        c = vocab(0f, 3f, 1f);
        new TopK(10).apply(c, history());
        assertArrayEquals(new int[] {1, 2, 0}, c.ids());
    }

    /** Probabilities 0.5, 0.25, 0.125, 0.125 placed at ids 2, 0, 3, 1. */
    static Candidates quarters() {
        return vocab(ln(0.25), ln(0.125), ln(0.5), ln(0.125));
    }

    @Test
    void topPBoundaries() {
        for (boolean presorted : new boolean[] {false, true}) {
            float[][] cases = {{0.75f, 2}, {0.7501f, 3}, {0.5f, 1}, {0.1f, 1}, {0.875f, 3}, {0.999f, 4}, {1f, 4}};
            for (float[] pc : cases) {
                Candidates c = quarters();
                if (presorted) {
                    new TopK(4).apply(c, history());
                }
                new TopP(pc[0]).apply(c, history());
                assertEquals((int) pc[1], c.size(), "p=" + pc[0] + " presorted=" + presorted);
                int[] expectedIds = Arrays.copyOf(new int[] {2, 0, 1, 3}, (int) pc[1]);
                if (pc[0] < 1f) {
                    assertArrayEquals(expectedIds, c.ids(), "p=" + pc[0]);
                }
            }
        }
        // Equal probabilities: the prefix is taken in id order.
        Candidates c = vocab(0f, 0f, 0f, 0f);
        new TopP(0.5f).apply(c, history());
        assertArrayEquals(new int[] {0, 1}, c.ids());
    }

    @Test
    void minPKeepsTokensAtLeastMinPTimesTheBest() {
        Candidates c = vocab(ln(0.25), 0f, ln(0.5), ln(0.49));
        new MinP(0.5f).apply(c, history());
        assertArrayEquals(new int[] {1, 2}, c.ids()); // 0.5 * max is kept, 0.49 and 0.25 dropped; order unchanged
        c = vocab(ln(0.25), 0f, ln(0.5));
        new MinP(0.51f).apply(c, history());
        assertArrayEquals(new int[] {1}, c.ids());
        c = vocab(-3f, -3f);
        new MinP(1f).apply(c, history());
        assertArrayEquals(new int[] {0, 1}, c.ids()); // ties with the best always stay
    }

    @Test
    void partialSelectionMatchesFullSortOnALargeVocabulary() {
        int v = 200_000;
        float[] logits = new float[v];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < v; i++) {
            logits[i] = (float) Math.round(r.nextGaussian() * 400) / 100f; // coarse values: many ties
        }
        Integer[] ref = IntStream.range(0, v).boxed().toArray(Integer[]::new);
        Arrays.sort(ref, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        Candidates c = vocab(logits);
        new TopK(40).apply(c, history());
        for (int i = 0; i < 40; i++) {
            assertEquals(ref[i], c.id(i), "rank " + i);
        }
        // Top-p without a top-k first (heap path) against the reference prefix.
        c = vocab(logits);
        new TopP(0.3f).apply(c, history());
        double max = logits[ref[0]];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double cum = 0;
        int m = 0;
        while (cum < (0.3 - TopP.SLACK) * sum) {
            cum += Math.exp(logits[ref[m++]] - max);
        }
        assertEquals(m, c.size());
        for (int i = 0; i < m; i++) {
            assertEquals(ref[i], c.id(i), "rank " + i);
        }
    }

    @Test
    void badLogitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> vocab(1f, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> vocab(1f, Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> vocab(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> vocab());
    }
}
