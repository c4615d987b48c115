package dev.wgllama.sampling;

/** Divides every logit by the temperature (> 0; temperature 0 is greedy, which {@link SamplerChain} handles). */
public final class Temperature implements SamplerStep {
    private final float temperature;

    public Temperature(float temperature) {
        if (!(temperature >= SamplingParams.MIN_TEMPERATURE) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature step needs a finite temperature > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        c.scaleAll(1f / temperature);
    }
}
