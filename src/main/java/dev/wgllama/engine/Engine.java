package dev.wgllama.engine;

import dev.wgllama.WgllamaException;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.Backends;
import dev.wgllama.backend.KvCache;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelAssets;
import dev.wgllama.model.ModelConfig;
import dev.wgllama.model.Models;
import dev.wgllama.model.Perplexity;
import dev.wgllama.model.Transformer;
import dev.wgllama.tokenizer.ChatMessage;
import dev.wgllama.tokenizer.ChatTemplate;
import dev.wgllama.tokenizer.Tokenizer;
import dev.wgllama.tokenizer.Tokenizers;
import dev.wgllama.tokenizer.Vocabulary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A model opened once on a backend: weights uploaded, tokenizer and chat template ready. Share one engine between
 * threads; each conversation is a {@link Session} with its own KV cache. Forward passes of all sessions take
 * turns on the one backend (a backend runs one thing at a time), so sessions on different threads are safe but
 * not parallel.
 */
public final class Engine implements AutoCloseable {
    private final LoadedModel model;
    private final Tokenizer tokenizer;
    private final Vocabulary vocab;
    /** Parsed on first use: Jinjava costs start-up time, and plain generation must not fail on a bad template. */
    private volatile Optional<ChatTemplate> chatTemplate;
    private final Backend backend;
    private final Transformer transformer;
    private final int contextLength;
    /** Held for every forward pass and read-back: the transformer's scratch and the backend are single-threaded. */
    final ReentrantLock compute = new ReentrantLock();
    private volatile boolean closed;

    private Engine(LoadedModel model, Vocabulary vocab, Tokenizer tokenizer, Backend backend,
                   Transformer transformer, int contextLength) {
        this.model = model;
        this.vocab = vocab;
        this.tokenizer = tokenizer;
        this.backend = backend;
        this.transformer = transformer;
        this.contextLength = contextLength;
    }

    /**
     * Opens the model, creates the backend and uploads the weights.
     *
     * @throws dev.wgllama.ModelFormatException if the model is missing or malformed
     * @throws WgllamaException                 if the backend is unavailable
     * @throws IllegalArgumentException         for an unknown backend name
     */
    public static Engine load(EngineOptions options) {
        PrintStream log = options.log();
        long t0 = System.nanoTime();
        LoadedModel model = Models.load(options.model());
        Backend backend = null;
        try {
            Vocabulary vocab = ModelAssets.vocabulary(model);
            Tokenizer tok = Tokenizers.create(vocab);
            ModelConfig cfg = model.config();
            int ctx = options.contextLength() > 0 ? options.contextLength()
                    : Math.min(cfg.contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
            if (ctx > cfg.contextLength() && log != null) {
                log.printf("warning: context %d is longer than the model's trained %d%n", ctx, cfg.contextLength());
            }
            backend = Backends.create(options.backend(), options.threads(), log);
            Transformer tf = new Transformer(model, backend);
            if (log != null) {
                log.printf(Locale.ROOT, "loaded %s: %s, %d layers, vocab %d, context %d, on %s in %.2f s%n",
                        options.model(), cfg.arch().ggufName(), cfg.layers(), cfg.vocabSize(), ctx, backend.name(),
                        (System.nanoTime() - t0) / 1e9);
                log.flush();
            }
            return new Engine(model, vocab, tok, backend, tf, ctx);
        } catch (RuntimeException e) {
            if (backend != null) {
                backend.close();
            }
            closeQuietly(model, e);
            throw e;
        }
    }

    /**
     * The tokenizer of a model without loading weights onto a backend (for {@code wgllama tokenize}).
     */
    public static Tokenizer tokenizer(Path modelPath) {
        try (LoadedModel m = Models.load(modelPath)) {
            return Tokenizers.create(ModelAssets.vocabulary(m));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new WgllamaException(modelPath + ": " + e.getMessage(), e);
        }
    }

    /** A new conversation with an empty KV cache of {@link #contextLength()} positions. */
    public Session newSession() {
        checkOpen();
        compute.lock();
        try {
            return new Session(this, transformer.newKvCache(contextLength));
        } finally {
            compute.unlock();
        }
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ModelConfig config() {
        return model.config();
    }

    /** KV cache positions of each session: prompt plus generated tokens must fit. */
    public int contextLength() {
        return contextLength;
    }

    /** The backend's name, e.g. "cpu (2 threads, 8 f32 lanes)". */
    public String backendName() {
        return backend.name();
    }

    /** The model's chat template, parsed on the first call. */
    public Optional<ChatTemplate> chatTemplate() {
        Optional<ChatTemplate> t = chatTemplate;
        if (t == null) {
            synchronized (this) {
                if (chatTemplate == null) {
                    chatTemplate = ModelAssets.chatTemplate(model, vocab);
                }
                t = chatTemplate;
            }
        }
        return t;
    }

    /**
     * The prompt text of a conversation, ending with the assistant's header.
     *
     * @throws WgllamaException if the model has no chat template
     */
    public String renderChat(List<ChatMessage> messages) {
        ChatTemplate t = chatTemplate().orElseThrow(() -> new WgllamaException(model.source()
                + ": the model has no chat template (tokenizer.chat_template / chat_template.jinja)"));
        return t.render(messages, true, Map.of());
    }

    /**
     * The prompt tokens of a conversation as {@link Session#chat} builds them: the rendered template with control
     * tokens parsed, BOS added unless the template wrote it already.
     */
    public int[] encodeChat(List<ChatMessage> messages) {
        String text = renderChat(messages);
        int bos = tokenizer.bos();
        boolean templateHasBos = bos >= 0 && text.startsWith(tokenizer.tokenText(bos));
        return tokenizer.encode(text, tokenizer.vocabulary().addBos() && !templateHasBos, true);
    }

    /**
     * Perplexity of {@code docs} with the shared protocol ({@link Perplexity}): each document alone as
     * {@code [BOS] + tokens}, in independent windows of {@code ctx} tokens.
     */
    public Perplexity.Result perplexity(List<Perplexity.Document> docs, int ctx, Perplexity.Progress progress) {
        checkOpen();
        if (tokenizer.bos() < 0) {
            throw new WgllamaException(model.source() + ": the perplexity protocol needs a BOS token, the model has none");
        }
        compute.lock();
        try {
            return Perplexity.score(transformer, docs, s -> tokenizer.encode(s, false, false), tokenizer.bos(), ctx,
                    progress);
        } finally {
            compute.unlock();
        }
    }

    /**
     * A throwaway prefill of 32 tokens and 8 decode steps on a scratch cache, so that JIT compilation (CPU) or
     * pipeline creation (WebGPU) is not paid, and timed, by the first request; llama.cpp's CLI warms up likewise.
     */
    public void warmup() {
        checkOpen();
        int prefill = Math.min(32, contextLength - 8);
        if (prefill < 1) {
            return;
        }
        int[] tokens = new int[prefill];
        java.util.Arrays.fill(tokens, Math.max(tokenizer.bos(), 0));
        compute.lock();
        try (KvCache cache = transformer.newKvCache(prefill + 8)) {
            int t = transformer.greedyNext(cache, tokens, 0);
            for (int i = 0; i < 8; i++) {
                t = transformer.greedyNext(cache, new int[] {t}, prefill + i);
            }
        } finally {
            compute.unlock();
        }
    }

    Transformer transformer() {
        return transformer;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
    }

    /** Frees the backend and unmaps the model; sessions become unusable. */
    @Override
    public void close() {
        compute.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            transformer.close();
            backend.close();
            closeQuietly(model, null);
        } finally {
            compute.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable c, RuntimeException primary) {
        try {
            c.close();
        } catch (Exception e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }

    /** Used by sessions to free their caches while holding the compute lock. */
    void release(KvCache cache) {
        compute.lock();
        try {
            if (!closed) {
                cache.close();
            }
        } finally {
            compute.unlock();
        }
    }
}
