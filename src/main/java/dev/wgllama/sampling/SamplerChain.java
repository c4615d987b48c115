package dev.wgllama.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the next token from a logits vector: penalties (repetition, then frequency/presence), then either the
 * greedy argmax (temperature 0) or temperature, top-k, top-p, min-p and a seeded draw. This order follows
 * Hugging Face's (temperature before truncation); llama.cpp applies temperature last, which changes which tokens
 * top-p and min-p keep. Not thread-safe: one chain per generation.
 *
 * <p>Typical use: {@code int t = chain.sample(logits); chain.accept(t);} per step (accept the prompt tokens too if
 * penalties should see them, as llama.cpp does).
 */
public final class SamplerChain {
    private final SamplingParams params;
    private final List<SamplerStep> penalties = new ArrayList<>();
    private final List<SamplerStep> steps = new ArrayList<>();
    private final TokenHistory history = new TokenHistory();
    private final Candidates candidates = new Candidates();
    private Xoshiro256StarStar rng;

    private SamplerChain(SamplingParams p) {
        this.params = p;
        if (p.repeatLastN() != 0 && p.repeatPenalty() != 1f) {
            penalties.add(new RepetitionPenalty(p.repeatPenalty(), p.repeatLastN()));
        }
        if (p.repeatLastN() != 0 && (p.frequencyPenalty() != 0f || p.presencePenalty() != 0f)) {
            penalties.add(new FrequencyPresencePenalty(p.frequencyPenalty(), p.presencePenalty(), p.repeatLastN()));
        }
        if (p.temperature() > 0) {
            steps.add(new Temperature(p.temperature()));
            if (p.topK() > 0) {
                steps.add(new TopK(p.topK()));
            }
            if (p.topP() < 1f) {
                steps.add(new TopP(p.topP()));
            }
            if (p.minP() > 0f) {
                steps.add(new MinP(p.minP()));
            }
        }
        this.rng = new Xoshiro256StarStar(p.seed());
    }

    public static SamplerChain of(SamplingParams params) {
        return new SamplerChain(params);
    }

    public SamplingParams params() {
        return params;
    }

    /** The steps that run, in order (penalties first); the greedy pick or the draw follows them. */
    public List<SamplerStep> steps() {
        List<SamplerStep> all = new ArrayList<>(penalties);
        all.addAll(steps);
        return List.copyOf(all);
    }

    /** Records a token in the history the penalties read. */
    public void accept(int token) {
        history.add(token);
    }

    public TokenHistory history() {
        return history;
    }

    /** Forgets the history and restarts the generator from the seed. */
    public void reset() {
        history.clear();
        rng = new Xoshiro256StarStar(params.seed());
    }

    /**
     * The next token id.
     *
     * @param logits one float per vocabulary entry (not modified); -infinity masks a token
     * @throws IllegalArgumentException if a logit is NaN or +infinity, all are -infinity, or a history token is
     *                                  outside the vocabulary
     */
    public int sample(float[] logits) {
        candidates.reset(logits);
        for (SamplerStep s : penalties) {
            s.apply(candidates, history);
        }
        if (params.temperature() == 0f) {
            return candidates.id(candidates.best());
        }
        for (SamplerStep s : steps) {
            s.apply(candidates, history);
        }
        return draw(candidates, rng.nextDouble());
    }

    /**
     * Inverse-CDF draw: the first candidate (in candidate order) at which the cumulative probability exceeds
     * {@code u}; {@code u} in [0, 1). Candidates with probability 0 (logit -infinity) are never drawn.
     */
    static int draw(Candidates c, double u) {
        double max = c.maxLogit();
        int n = c.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(c.logit(i) - max);
        }
        double target = u * sum;
        double cum = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp(c.logit(i) - max);
            if (w == 0) {
                continue;
            }
            cum += w;
            last = i;
            if (cum > target) {
                return c.id(i);
            }
        }
        return c.id(last); // rounding left target just above the total
    }
}
