package dev.wgllama.engine;

import dev.wgllama.WgllamaException;
import dev.wgllama.model.Transformer;
import dev.wgllama.sampling.SamplerChain;
import dev.wgllama.sampling.SamplingParams;
import dev.wgllama.sampling.StopStrings;
import dev.wgllama.tokenizer.TokenDecoder;
import java.util.Arrays;

/**
 * One generation as a step machine: each {@link #step()} runs the model once (the prefill on the first call, then
 * one decode step feeding back the previous token), samples a token and returns it with the text it completes.
 * Steps run under the session's monitor; forward passes under the engine's compute lock.
 */
final class Generation {
    private final Session session;
    private final Engine engine;
    private final int[] prompt;
    private final int maxTokens;
    private final SamplerChain chain;
    /** Greedy without penalties: the backend's argmax reads back one int instead of the whole logits row. */
    private final boolean argmaxOnly;
    private final int[] eosIds;
    private final TokenDecoder decoder;
    private final StopStrings stops;

    private int[] generated = new int[16];
    private int count;
    private final StringBuilder text = new StringBuilder();
    private boolean started;
    private GenerateResult result;
    private int reused;
    private int prefillTokens;
    private long prefillNanos;
    private int decodeSteps;
    private long decodeNanos;

    Generation(Session session, Engine engine, GenerateRequest request, int[] prompt, boolean chat) {
        this.session = session;
        this.engine = engine;
        this.prompt = prompt;
        int ctx = engine.contextLength();
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty (no tokens, no BOS): nothing to continue");
        }
        if (prompt.length >= ctx) {
            throw new WgllamaException("the prompt has " + prompt.length + " tokens but the context holds " + ctx
                    + " (prompt and generated tokens together); shorten it or raise the context length");
        }
        this.maxTokens = Math.min(request.maxTokens(), ctx - prompt.length);
        SamplingParams p = request.sampling();
        this.chain = SamplerChain.of(p);
        this.argmaxOnly = p.temperature() == 0f && (p.repeatLastN() == 0
                || p.repeatPenalty() == 1f && p.frequencyPenalty() == 0f && p.presencePenalty() == 0f);
        this.eosIds = chat || request.stopAtEos() ? engine.tokenizer().eosIds() : new int[0];
        this.decoder = engine.tokenizer().newContinuationDecoder(false);
        this.stops = new StopStrings(request.stop());
        for (int t : prompt) {
            chain.accept(t);          // penalties see the prompt, as in llama.cpp
        }
    }

    /** The next token, or null once the generation has ended. */
    Token step() {
        synchronized (session) {
            if (result != null) {
                return null;
            }
            engine.checkOpen();
            if (!session.isCurrent(this)) {
                throw new IllegalStateException("this generation was superseded by a newer one on its session "
                        + "(or the session was closed or reset)");
            }
            try {
                return advance();
            } catch (RuntimeException e) {
                session.invalidate();
                result = finish(FinishReason.CANCELLED, null);
                throw e;
            }
        }
    }

    private Token advance() {
        int next;
        if (!started) {
            started = true;
            if (maxTokens == 0) {
                result = finish(FinishReason.LENGTH, null);
                return null;
            }
            long t0 = System.nanoTime();
            next = prefill();
            prefillNanos = System.nanoTime() - t0;
            if (next < 0) {
                result = finish(FinishReason.CANCELLED, null);
                return null;
            }
        } else {
            long t0 = System.nanoTime();
            int last = generated[count - 1];
            next = forwardAndPick(new int[] {last}, session.cachedTokens());
            session.appendCached(new int[] {last}, false);
            decodeSteps++;
            decodeNanos += System.nanoTime() - t0;
        }
        return emit(next);
    }

    /** Runs the uncached part of the prompt; returns the first token, or -1 if cancelled in between batches. */
    private int prefill() {
        int common = session.commonPrefix(prompt);
        if (common == prompt.length) {
            common--;                  // the last prompt token must run again: its logits pick the first token
        }
        session.truncate(common);
        reused = common;
        prefillTokens = prompt.length - common;
        int next = -1;
        for (int start = common; start < prompt.length; start += Transformer.MAX_BATCH) {
            int[] batch = Arrays.copyOfRange(prompt, start, Math.min(prompt.length, start + Transformer.MAX_BATCH));
            boolean last = start + batch.length == prompt.length;
            if (last) {
                next = forwardAndPick(batch, start);
            } else {
                engine.compute.lock();
                try {
                    engine.transformer().forward(session.cache(), batch, start, false);
                } finally {
                    engine.compute.unlock();
                }
            }
            session.appendCached(batch, true);
            if (!last && session.cancelRequested()) {
                return -1;
            }
        }
        return next;
    }

    private int forwardAndPick(int[] tokens, int p0) {
        Transformer tf = engine.transformer();
        engine.compute.lock();
        try {
            if (argmaxOnly) {
                return tf.greedyNext(session.cache(), tokens, p0);
            }
            return chain.sample(tf.lastLogits(session.cache(), tokens, p0));
        } finally {
            engine.compute.unlock();
        }
    }

    /** Records token {@code t} and returns it with the text it makes final; ends the generation when due. */
    private Token emit(int t) {
        if (count == generated.length) {
            generated = Arrays.copyOf(generated, count * 2);
        }
        generated[count++] = t;
        chain.accept(t);
        boolean eos = contains(eosIds, t);
        FinishReason end = eos ? FinishReason.EOS
                : count >= maxTokens ? FinishReason.LENGTH
                : session.cancelRequested() ? FinishReason.CANCELLED : null;
        String piece = eos ? "" : decoder.push(t);
        if (end != null) {
            piece += decoder.flush();  // an unfinished character becomes U+FFFD rather than vanish
        }
        StopStrings.Result r = stops.feed(piece);
        String out = r.text();
        String stopString = null;
        if (r.stopped()) {
            end = FinishReason.STOP;
            stopString = r.stopString();
        } else if (end != null) {
            out += stops.flush();      // text held back as a possible stop-string start is final now
        }
        text.append(out);
        if (end != null) {
            result = finish(end, stopString);
        }
        return new Token(t, out);
    }

    private GenerateResult finish(FinishReason reason, String stopString) {
        return new GenerateResult(prompt, Arrays.copyOf(generated, count), text.toString(), reason, stopString,
                new GenerateResult.Timings(prompt.length, reused, prefillTokens, prefillNanos / 1e9, decodeSteps,
                        decodeNanos / 1e9));
    }

    GenerateResult result() {
        synchronized (session) {
            if (result == null) {
                throw new IllegalStateException("the generation has not ended yet");
            }
            return result;
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
