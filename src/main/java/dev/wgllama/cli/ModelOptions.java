package dev.wgllama.cli;

import dev.wgllama.engine.Engine;
import dev.wgllama.engine.EngineOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that runs a model shares (a picocli mixin). */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "GGUF file or Hugging Face folder")
    Path model;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "cpu|webgpu|auto",
            description = "where the model runs; auto picks WebGPU when an adapter opens, else the CPU "
                    + "(default ${DEFAULT-VALUE})")
    String backend;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0", paramLabel = "N",
            description = "context length (prompt + generated tokens); 0: the model's, at most "
                    + EngineOptions.DEFAULT_MAX_CONTEXT)
    int contextLength;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", paramLabel = "N",
            description = "CPU threads; 0: every core")
    int threads;

    @Option(names = "--no-warmup", description = "skip the short throwaway run before timing the first request")
    boolean noWarmup;

    @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
    boolean verbose;

    /** Opens the engine, logging to {@code err}. */
    Engine load(PrintWriter err) {
        Engine e = Engine.load(new EngineOptions(model, backend, contextLength, threads, printStream(err)));
        if (!noWarmup) {
            try {
                e.warmup();
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
        }
        return e;
    }

    /** A PrintStream writing UTF-8 text through {@code w} (the engine logs to streams, picocli gives writers). */
    static PrintStream printStream(PrintWriter w) {
        return new PrintStream(new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                w.print(toString(StandardCharsets.UTF_8));
                w.flush();
                reset();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
