package dev.wgllama.sampling;

/**
 * Drops the tokens whose probability is below {@code minP} times the largest probability. Done in logit space,
 * {@code logit < maxLogit + ln(minP)}, which needs no softmax and is exact at the boundary (a token at exactly
 * {@code minP * max} stays). The best token always stays.
 */
public final class MinP implements SamplerStep {
    private final float minP;

    public MinP(float minP) {
        if (!(minP > 0) || minP > 1) {
            throw new IllegalArgumentException("min-p must be in (0, 1], got " + minP);
        }
        this.minP = minP;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        float max = c.maxLogit();
        c.keepAtLeast((float) (max + Math.log(minP)));
    }
}
