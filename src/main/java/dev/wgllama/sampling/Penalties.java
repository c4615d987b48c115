package dev.wgllama.sampling;

import java.util.Arrays;

/** Counting of the tokens in the penalty window, shared by the penalty steps. */
final class Penalties {
    private Penalties() {
    }

    /** Distinct tokens of the window (ascending) and how often each occurs: {@code [tokens, counts]}. */
    static int[][] counts(TokenHistory history, int lastN) {
        int[] w = history.last(lastN);
        Arrays.sort(w);
        int[] tokens = new int[w.length];
        int[] counts = new int[w.length];
        int d = 0;
        for (int i = 0; i < w.length; i++) {
            if (d > 0 && tokens[d - 1] == w[i]) {
                counts[d - 1]++;
            } else {
                tokens[d] = w[i];
                counts[d] = 1;
                d++;
            }
        }
        return new int[][] {Arrays.copyOf(tokens, d), Arrays.copyOf(counts, d)};
    }

    interface Adjust {
        float apply(float logit, int count);
    }

    /** Applies {@code adjust} to every candidate whose token occurs in the window. */
    static void apply(Candidates c, TokenHistory history, int lastN, Adjust adjust) {
        if (lastN == 0 || history.size() == 0) {
            return;
        }
        int[][] tc = counts(history, lastN);
        int[] tokens = tc[0];
        int[] counts = tc[1];
        if (c.isFullVocab()) { // token t sits at index t: touch only the window's tokens, O(n)
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] >= c.size()) {
                    throw new IllegalArgumentException("token " + tokens[i] + " in the history is outside the "
                            + "vocabulary of " + c.size() + " logits");
                }
                c.setLogit(tokens[i], adjust.apply(c.logit(tokens[i]), counts[i]));
            }
        } else {
            for (int i = 0; i < c.size(); i++) {
                int k = Arrays.binarySearch(tokens, c.id(i));
                if (k >= 0) {
                    c.setLogit(i, adjust.apply(c.logit(i), counts[k]));
                }
            }
        }
    }
}
