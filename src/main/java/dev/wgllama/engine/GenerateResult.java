package dev.wgllama.engine;

/**
 * The outcome of one generation.
 *
 * @param promptTokens the prompt as the model saw it (BOS included when added)
 * @param tokens       the generated ids, in order, including an EOS/end-of-turn or stop-string token that ended
 *                     the generation
 * @param text         the generated text: control tokens not rendered, cut before a stop string
 * @param finishReason why it ended
 * @param stopString   the stop string found ({@link FinishReason#STOP}), else null
 * @param timings      token counts and speeds
 */
public record GenerateResult(int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                             String stopString, Timings timings) {
    public GenerateResult {
        promptTokens = promptTokens.clone();
        tokens = tokens.clone();
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * Counts and times of one generation. Prefill covers the prompt tokens not already in the session's cache
     * (prefix reuse) up to the first logits; decode covers each generated token fed back to the model (the last
     * generated token never is). Times include sampling and read-backs, as a user waits for them.
     *
     * @param promptTokens    prompt length
     * @param reusedTokens    prompt tokens whose keys and values were already cached
     * @param prefillTokens   prompt tokens run through the model ({@code promptTokens - reusedTokens})
     * @param prefillSeconds  wall time of the prefill
     * @param decodeSteps     one-token forward passes
     * @param decodeSeconds   wall time of the decode steps
     */
    public record Timings(int promptTokens, int reusedTokens, int prefillTokens, double prefillSeconds,
                          int decodeSteps, double decodeSeconds) {
        /** Prompt tokens per second of prefill (0 when nothing was prefilled). */
        public double prefillTokensPerSecond() {
            return prefillTokens == 0 || prefillSeconds <= 0 ? 0 : prefillTokens / prefillSeconds;
        }

        /** Generated tokens per second of decode (0 before a second token). */
        public double decodeTokensPerSecond() {
            return decodeSteps == 0 || decodeSeconds <= 0 ? 0 : decodeSteps / decodeSeconds;
        }
    }
}
