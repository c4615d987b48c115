package dev.wgllama.sampling;

/**
 * OpenAI's frequency and presence penalties: {@code logit -= count * frequency + (count > 0 ? presence : 0)},
 * where count is how often the token occurs among the last {@code lastN} accepted tokens (llama.cpp uses the
 * same window for all penalties; OpenAI counts the whole completion, i.e. {@code lastN = -1} with only generated
 * tokens accepted).
 */
public final class FrequencyPresencePenalty implements SamplerStep {
    private final float frequency;
    private final float presence;
    private final int lastN;

    public FrequencyPresencePenalty(float frequency, float presence, int lastN) {
        if (!Float.isFinite(frequency) || !Float.isFinite(presence)) {
            throw new IllegalArgumentException("penalties must be finite, got frequency " + frequency
                    + ", presence " + presence);
        }
        this.frequency = frequency;
        this.presence = presence;
        this.lastN = lastN;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        Penalties.apply(c, history, lastN, (logit, count) -> logit - count * frequency - presence);
    }
}
