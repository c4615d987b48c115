package dev.wgllama.engine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open a model.
 *
 * @param model         a GGUF file or a Hugging Face folder
 * @param backend       {@code cpu}, {@code webgpu} or {@code auto} (see {@link dev.wgllama.backend.Backends})
 * @param contextLength KV cache positions per session; {@code 0} means the model's trained context, at most
 *                      {@link #DEFAULT_MAX_CONTEXT}
 * @param threads       CPU threads; {@code 0} uses every core
 * @param log           where loading and backend choices are reported (null: nowhere)
 */
public record EngineOptions(Path model, String backend, int contextLength, int threads, PrintStream log) {
    /** The default context when the model's is longer: a KV cache is f32 (an 8B model's 4096 positions: 1 GiB). */
    public static final int DEFAULT_MAX_CONTEXT = 4096;

    public EngineOptions {
        Objects.requireNonNull(model, "model");
        backend = backend == null ? "auto" : backend;
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0 (0: the model's), got " + contextLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: every core), got " + threads);
        }
    }

    /** The model on the {@code auto} backend, default context and threads, no log. */
    public static EngineOptions of(Path model) {
        return new EngineOptions(model, "auto", 0, 0, null);
    }

    public EngineOptions withBackend(String name) {
        return new EngineOptions(model, name, contextLength, threads, log);
    }

    public EngineOptions withContextLength(int n) {
        return new EngineOptions(model, backend, n, threads, log);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(model, backend, contextLength, n, log);
    }

    public EngineOptions withLog(PrintStream s) {
        return new EngineOptions(model, backend, contextLength, threads, s);
    }
}
