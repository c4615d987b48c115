package dev.wgllama.engine;

import dev.wgllama.sampling.SamplingParams;
import java.util.List;
import java.util.Objects;

/**
 * What to generate. Build one with {@link #builder()}:
 * {@code GenerateRequest.builder().prompt("Once upon a time").maxTokens(32).sampling(SamplingParams.greedy()).build()}.
 *
 * @param prompt       the prompt text, or null when {@code promptIds} is given (both null: only for
 *                     {@link Session#chat}, which makes the prompt from the conversation)
 * @param promptIds    a pre-tokenized prompt used as is ({@code addBos} and {@code parseSpecial} do not apply)
 * @param maxTokens    the most tokens to generate, {@code >= 0}; clipped to the context left after the prompt
 * @param sampling     how each token is picked
 * @param stop         strings that end the generation; the text ends right before the first one found
 * @param stopAtEos    end at EOS or an end-of-turn token ({@link dev.wgllama.tokenizer.Tokenizer#eosIds()});
 *                     when false the model runs on to {@code maxTokens}
 * @param addBos       prepend the model's BOS token to a text prompt (when it has one)
 * @param parseSpecial whether control-token text in the prompt ("&lt;|eot_id|&gt;") becomes those tokens
 */
public record GenerateRequest(String prompt, int[] promptIds, int maxTokens, SamplingParams sampling,
                              List<String> stop, boolean stopAtEos, boolean addBos, boolean parseSpecial) {
    /** The default {@code maxTokens}. */
    public static final int DEFAULT_MAX_TOKENS = 64;

    public GenerateRequest {
        if (prompt != null && promptIds != null) {
            throw new IllegalArgumentException("give a prompt text or prompt ids, not both");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop == null ? List.of() : stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        promptIds = promptIds == null ? null : promptIds.clone();
    }

    @Override
    public int[] promptIds() {
        return promptIds == null ? null : promptIds.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompt = prompt;
        b.promptIds = promptIds;
        b.maxTokens = maxTokens;
        b.sampling = sampling;
        b.stop = stop;
        b.stopAtEos = stopAtEos;
        b.addBos = addBos;
        b.parseSpecial = parseSpecial;
        return b;
    }

    /**
     * Defaults: no prompt, {@value #DEFAULT_MAX_TOKENS} tokens, llama.cpp's sampling defaults with seed 0
     * ({@link SamplingParams#defaults(long)}), no stop strings, stop at EOS, BOS added, specials not parsed.
     */
    public static final class Builder {
        private String prompt;
        private int[] promptIds;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private SamplingParams sampling = SamplingParams.defaults(0);
        private List<String> stop = List.of();
        private boolean stopAtEos = true;
        private boolean addBos = true;
        private boolean parseSpecial;

        private Builder() {
        }

        /** A text prompt (clears prompt ids). */
        public Builder prompt(String text) {
            this.prompt = text;
            this.promptIds = null;
            return this;
        }

        /** A pre-tokenized prompt, BOS included if wanted (clears the prompt text). */
        public Builder promptIds(int... ids) {
            this.promptIds = ids;
            this.prompt = null;
            return this;
        }

        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        public Builder sampling(SamplingParams p) {
            this.sampling = p;
            return this;
        }

        public Builder stop(List<String> stops) {
            this.stop = stops;
            return this;
        }

        public Builder stop(String... stops) {
            return stop(List.of(stops));
        }

        public Builder stopAtEos(boolean b) {
            this.stopAtEos = b;
            return this;
        }

        public Builder addBos(boolean b) {
            this.addBos = b;
            return this;
        }

        public Builder parseSpecial(boolean b) {
            this.parseSpecial = b;
            return this;
        }

        public GenerateRequest build() {
            return new GenerateRequest(prompt, promptIds, maxTokens, sampling, stop, stopAtEos, addBos, parseSpecial);
        }
    }
}
