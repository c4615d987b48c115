package dev.wgllama.sampling;

/**
 * How to pick the next token. Each setting has a value that turns its step off, so a chain only runs the steps
 * that do something.
 *
 * @param temperature      divides the logits; {@code 0} means greedy (argmax, lowest id on ties)
 * @param topK             keep the k most likely tokens; {@code <= 0} keeps all
 * @param topP             keep the smallest most-likely prefix whose probability reaches p; {@code >= 1} keeps all
 * @param minP             drop tokens whose probability is below {@code minP * max probability}; {@code 0} keeps all
 * @param repeatPenalty    llama.cpp repetition penalty on tokens of the window: positive logits divided by it,
 *                         negative (and zero) logits multiplied; {@code 1} is off
 * @param repeatLastN      the window all penalties look at: the last n accepted tokens; {@code 0} turns the
 *                         penalties off, {@code -1} means the whole history
 * @param frequencyPenalty OpenAI: subtract {@code count * frequencyPenalty} from a token's logit; {@code 0} is off
 * @param presencePenalty  OpenAI: subtract {@code presencePenalty} from each token that occurs at all; {@code 0} is off
 * @param seed             seeds the {@link Xoshiro256StarStar} generator of the final draw
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty,
        int repeatLastN, float frequencyPenalty, float presencePenalty, long seed) {

    /** The smallest non-zero temperature accepted. */
    public static final float MIN_TEMPERATURE = 1e-6f;

    public SamplingParams {
        // Below 1e-6 (but not 0) logits / T could overflow a float to infinity; such a temperature is greedy anyway.
        check(temperature == 0 || temperature >= MIN_TEMPERATURE && Float.isFinite(temperature), "temperature",
                temperature, "0 (greedy) or finite and >= " + MIN_TEMPERATURE);
        check(topP > 0 && Float.isFinite(topP), "topP", topP, "finite and > 0");
        check(minP >= 0 && minP <= 1, "minP", minP, "in [0, 1]");
        check(repeatPenalty > 0 && Float.isFinite(repeatPenalty), "repeatPenalty", repeatPenalty, "finite and > 0");
        check(repeatLastN >= -1, "repeatLastN", repeatLastN, ">= -1");
        check(Float.isFinite(frequencyPenalty), "frequencyPenalty", frequencyPenalty, "finite");
        check(Float.isFinite(presencePenalty), "presencePenalty", presencePenalty, "finite");
    }

    private static void check(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("sampling parameter " + name + " must be " + expected + ", got " + value);
        }
    }

    /** Greedy decoding: argmax of the logits, no penalties. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0, 0f, 0f, 0L);
    }

    /** llama.cpp's defaults (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties) with a seed. */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 0f, 0f, seed);
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty,
                seed);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, s);
    }
}
