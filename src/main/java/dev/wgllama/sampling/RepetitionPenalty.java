package dev.wgllama.sampling;

/**
 * llama.cpp's repetition penalty: each distinct token of the last {@code lastN} accepted tokens has its logit
 * divided by {@code penalty} if positive, multiplied by it if negative or zero (so a penalty above 1 always makes
 * the token less likely). Applied once per distinct token, whatever its count.
 */
public final class RepetitionPenalty implements SamplerStep {
    private final float penalty;
    private final int lastN;

    /** @param lastN the window; -1 for the whole history */
    public RepetitionPenalty(float penalty, int lastN) {
        if (!(penalty > 0) || !Float.isFinite(penalty)) {
            throw new IllegalArgumentException("repetition penalty must be finite and > 0, got " + penalty);
        }
        this.penalty = penalty;
        this.lastN = lastN;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        Penalties.apply(c, history, lastN, (logit, count) -> logit <= 0 ? logit * penalty : logit / penalty);
    }
}
