package dev.wgllama.sampling;

/**
 * One step of a {@link SamplerChain}: changes the logits of the candidates and/or removes candidates. Steps never
 * add candidates and never reorder them except to sort them (see {@link Candidates#sorted()}).
 */
public interface SamplerStep {
    /**
     * @param candidates the current candidates, changed in place
     * @param history    the tokens accepted so far (penalties read it)
     */
    void apply(Candidates candidates, TokenHistory history);
}
