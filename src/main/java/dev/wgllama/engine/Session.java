package dev.wgllama.engine;

import dev.wgllama.WgllamaException;
import dev.wgllama.backend.KvCache;
import dev.wgllama.tokenizer.ChatMessage;
import java.util.Arrays;
import java.util.List;

/**
 * One conversation: a KV cache and the tokens whose keys and values it holds. A new prompt that starts with
 * tokens already in the cache (the previous prompt plus its reply, as in a chat) only runs the new tokens through
 * the model (prefix reuse, as llama.cpp's server does); any other prompt overwrites the cache from the first
 * differing position.
 *
 * <p>Methods are thread-safe, but a session runs one generation at a time: starting a new one ends the previous
 * {@link TokenStream}. {@link #cancel()} may be called from any thread.
 */
public final class Session implements AutoCloseable {
    private final Engine engine;
    private final KvCache cache;
    /** {@code cached[0, cachedLength)}: the tokens at positions {@code [0, cache.length())}. */
    private int[] cached = new int[64];
    private int cachedLength;
    private long prefilled;
    private Generation current;
    private volatile boolean cancelRequested;
    private boolean closed;

    Session(Engine engine, KvCache cache) {
        this.engine = engine;
        this.cache = cache;
    }

    /**
     * Generates a continuation of {@code request}'s prompt, calling {@code listener} with each token as soon as it
     * is sampled.
     *
     * @throws WgllamaException         if the prompt does not fit the context
     * @throws IllegalArgumentException if the request has no prompt or a prompt id is outside the vocabulary
     */
    public GenerateResult generate(GenerateRequest request, TokenListener listener) {
        return drain(start(request, null), listener);
    }

    /** {@link #generate(GenerateRequest, TokenListener)} without a listener. */
    public GenerateResult generate(GenerateRequest request) {
        return generate(request, TokenListener.none());
    }

    /**
     * The generation as a pull-based stream: each {@link TokenStream#next()} samples one token on the caller's
     * thread; {@link TokenStream#result()} is ready once it is exhausted.
     */
    public TokenStream stream(GenerateRequest request) {
        return new TokenStream(start(request, null));
    }

    /**
     * Continues a conversation: renders {@code messages} with the model's chat template (ending with the
     * assistant's header), tokenizes it with control tokens parsed, and generates the assistant's reply until an
     * end-of-turn or EOS token. The cached tokens of earlier turns are reused.
     *
     * @param settings maxTokens, sampling and stop strings; its prompt must be empty
     * @throws WgllamaException if the model has no chat template
     */
    public GenerateResult chat(List<ChatMessage> messages, GenerateRequest settings, TokenListener listener) {
        if (settings.prompt() != null || settings.promptIds() != null) {
            throw new IllegalArgumentException("chat builds the prompt from the messages; the settings must have none");
        }
        return drain(start(settings, engine.encodeChat(messages)), listener);
    }

    private static GenerateResult drain(Generation g, TokenListener listener) {
        for (Token t = g.step(); t != null; t = g.step()) {
            listener.onToken(t);
        }
        return g.result();
    }

    /** Asks the generation in progress to end (finish reason {@link FinishReason#CANCELLED}); any thread. */
    public void cancel() {
        cancelRequested = true;
    }

    /** Forgets the cached tokens (the next prompt is prefilled in full). */
    public synchronized void reset() {
        checkOpen();
        current = null;
        truncate(0);
        engine.compute.lock();
        try {
            cache.reset();
        } finally {
            engine.compute.unlock();
        }
    }

    /** Tokens whose keys and values are cached (the reusable prefix). */
    public synchronized int cachedTokens() {
        return cachedLength;
    }

    /** A copy of the cached tokens. */
    public synchronized int[] cachedTokenIds() {
        return Arrays.copyOf(cached, cachedLength);
    }

    /** Prompt tokens run through the model by this session so far (reused ones not counted). */
    public synchronized long prefilledTokens() {
        return prefilled;
    }

    public Engine engine() {
        return engine;
    }

    /** Frees the KV cache. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            current = null;
            engine.release(cache);
        }
    }

    // ---- used by Generation, always under this session's monitor ----

    private synchronized Generation start(GenerateRequest request, int[] chatIds) {
        checkOpen();
        engine.checkOpen();
        cancelRequested = false;
        int[] prompt = chatIds != null ? chatIds : tokenize(request);
        current = new Generation(this, engine, request, prompt, chatIds != null);
        return current;
    }

    private int[] tokenize(GenerateRequest r) {
        if (r.promptIds() != null) {
            int[] ids = r.promptIds();
            int vocab = engine.config().vocabSize();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= vocab) {
                    throw new IllegalArgumentException("prompt id " + ids[i] + " at index " + i
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            return ids;
        }
        if (r.prompt() == null) {
            throw new IllegalArgumentException("the request has no prompt (text or ids)");
        }
        return engine.tokenizer().encode(r.prompt(), r.addBos(), r.parseSpecial());
    }

    KvCache cache() {
        return cache;
    }

    boolean isCurrent(Generation g) {
        return current == g && !closed;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Length of the common prefix of the cached tokens and {@code prompt}. */
    int commonPrefix(int[] prompt) {
        int n = Math.min(cachedLength, prompt.length);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) {
            i++;
        }
        return i;
    }

    void truncate(int length) {
        cachedLength = Math.min(cachedLength, length);
    }

    /** Records that {@code tokens} now sit in the cache after the current cached tokens. */
    void appendCached(int[] tokens, boolean prefill) {
        if (cachedLength + tokens.length > cached.length) {
            cached = Arrays.copyOf(cached, Math.max(cached.length * 2, cachedLength + tokens.length));
        }
        System.arraycopy(tokens, 0, cached, cachedLength, tokens.length);
        cachedLength += tokens.length;
        if (prefill) {
            prefilled += tokens.length;
        }
    }

    /** After a failed forward pass the cache contents are unknown: forget them. */
    void invalidate() {
        cachedLength = 0;
        current = null;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
    }
}
