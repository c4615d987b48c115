package dev.wgllama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.Backends;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelConfig;
import dev.wgllama.model.Models;
import dev.wgllama.model.Transformer;
import dev.wgllama.quant.Weight;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wgllama bench}: prefill and decode speed of one model, measured like the llama.cpp peer's bench so the
 * two can be compared. The model is loaded once; untimed warm-up runs (at least one, at least 3 s: JIT compilation,
 * page-in of the mapped weights) precede {@code reps} timed runs, each a prefill of {@code prompt} fixed pseudo-random tokens (the
 * peer's generator) into an empty cache, then {@code gen} greedy decode steps fed with the model's own argmax.
 * Reports medians of the runs, and the weight bytes one decode step streams (every layer matrix, the output
 * head, norms; experts weighted by the fraction routed) divided by the median step time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode tokens per second of a model (medians of timed runs).")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder")
    Path model;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "the model (alternative to the argument)")
    Path modelOption;

    @Option(names = "--prompt", defaultValue = "128", description = "prompt tokens per prefill (default ${DEFAULT-VALUE})")
    int prompt;

    @Option(names = "--gen", defaultValue = "64", description = "decode steps per run (default ${DEFAULT-VALUE})")
    int gen;

    @Option(names = "--reps", defaultValue = "5", description = "timed runs after the warm-up (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--threads", description = "CPU threads (default: all available processors)")
    Integer threads;

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "cpu|webgpu|auto",
            description = "backend (default ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--warmup", defaultValue = "3", description = "least seconds of untimed warm-up runs "
            + "(default ${DEFAULT-VALUE}; at least one run)")
    double warmup;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
    boolean verbose;

    /** Runs the command alone (before it is registered in {@link Main}, and for scripts). */
    public static void main(String[] args) {
        picocli.CommandLine cl = new picocli.CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof dev.wgllama.WgllamaException || e instanceof IllegalArgumentException
                    || e instanceof java.io.IOException) {
                c.getErr().println("wgllama: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    /** One timed run: seconds of the prefill and of all decode steps. */
    record Run(double prefillSeconds, double decodeSeconds) {
    }

    @Override
    public Integer call() throws Exception {
        Path path = modelOption != null ? modelOption : model;
        if (path == null || (modelOption != null && model != null)) {
            throw new IllegalArgumentException("give the model once: wgllama bench MODEL or wgllama bench -m MODEL");
        }
        if (prompt < 1 || gen < 1 || reps < 1) {
            throw new IllegalArgumentException("--prompt, --gen and --reps must be at least 1 (got " + prompt + ", "
                    + gen + ", " + reps + ")");
        }
        if (!(warmup >= 0)) {
            throw new IllegalArgumentException("--warmup must be >= 0 seconds, got " + warmup);
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + nThreads);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel m = Models.load(path);
             Backend be = Backends.create(backend, nThreads, System.err);
             Transformer tf = new Transformer(m, be)) {
            ModelConfig c = m.config();
            int[] tokens = promptTokens(prompt, c.vocabSize());
            long bytesPerToken = decodeBytes(m);
            if (!json) {
                out.printf(Locale.ROOT, "%s: %s, %d layers, d=%d, %.3f GB of weights, %.3f GB read per decode "
                        + "step; %s%n", path.getFileName(), m.format(), c.layers(), c.hiddenSize(),
                        totalBytes(m) / 1e9, bytesPerToken / 1e9, be.name());
            }
            try (KvCache cache = tf.newKvCache(prompt + gen + 1)) {
                // Warm-up, untimed: until the JIT has compiled the kernels (Vector API code runs 10-100x slower
                // before C2 compiles it), i.e. at least one run and at least --warmup seconds, at most 50 runs.
                long w0 = System.nanoTime();
                long warmNanos = (long) (warmup * 1e9);
                for (int i = 0; i < 50 && (i == 0 || System.nanoTime() - w0 < warmNanos); i++) {
                    runOnce(tf, cache, tokens);
                }
                Run[] runs = new Run[reps];
                for (int r = 0; r < reps; r++) {
                    runs[r] = runOnce(tf, cache, tokens);
                    if (!json) {
                        out.printf(Locale.ROOT, "  run %d: prefill %.2f tok/s, decode %.2f tok/s%n", r + 1,
                                prompt / runs[r].prefillSeconds(), gen / runs[r].decodeSeconds());
                    }
                }
                double prefill = median(Arrays.stream(runs).mapToDouble(x -> prompt / x.prefillSeconds()).toArray());
                double decode = median(Arrays.stream(runs).mapToDouble(x -> gen / x.decodeSeconds()).toArray());
                double gbs = bytesPerToken * decode / 1e9;
                if (json) {
                    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                            toJson(path, m, be.name(), nThreads, bytesPerToken, prefill, decode, gbs, runs)));
                } else {
                    out.printf(Locale.ROOT, "prefill(%d) %.2f tok/s  decode(%d) %.2f tok/s  (medians of %d)  "
                            + "decode streams %.2f GB/s of weights%n", prompt, prefill, gen, decode, reps, gbs);
                }
            }
        }
        out.flush();
        return 0;
    }

    private ObjectNode toJson(Path path, LoadedModel m, String backendName, int nThreads, long bytesPerToken,
                              double prefill, double decode, double gbs, Run[] runs) throws java.io.IOException {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", path.toString());
        o.put("size_bytes", Files.isRegularFile(path) ? Files.size(path) : totalBytes(m));
        o.put("backend", backendName);
        o.put("threads", nThreads);
        o.put("prompt", prompt);
        o.put("gen", gen);
        o.put("reps", reps);
        o.put("prefill_tok_s", prefill);
        o.put("decode_tok_s", decode);
        o.put("decode_weight_bytes_per_token", bytesPerToken);
        o.put("decode_weight_gb_s", gbs);
        ArrayNode a = o.putArray("runs");
        for (Run r : runs) {
            ObjectNode x = a.addObject();
            x.put("prefill", prompt / r.prefillSeconds());
            x.put("decode", gen / r.decodeSeconds());
        }
        return o;
    }

    /** Prefill of the prompt into an emptied cache, then {@code gen} greedy steps; each part timed. */
    private Run runOnce(Transformer tf, KvCache cache, int[] tokens) {
        long t0 = System.nanoTime();
        int next = tf.greedyNext(cache, tokens, 0);                       // forward from position 0 truncates
        long t1 = System.nanoTime();
        int pos = tokens.length;
        for (int i = 0; i < gen; i++) {
            next = tf.greedyNext(cache, new int[] {next}, pos++);
        }
        long t2 = System.nanoTime();
        return new Run((t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    /**
     * The llama.cpp peer's bench prompt: a linear congruential sequence mapped into ordinary token ids
     * {@code [300, min(vocab, 128000))}, so both engines process the same ids. Tiny vocabularies use all ids.
     */
    static int[] promptTokens(int n, int vocab) {
        long x = 12345;
        int lo = vocab > 600 ? 300 : 0;
        int span = Math.min(vocab, 128000) - lo;
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            x = (x * 1103515245L + 12345) % 2147483648L;
            t[i] = (int) (lo + x % span);
        }
        return t;
    }

    /**
     * Weight bytes one decode step reads: every weight except the token embedding (one row of it, unless it is
     * also the output head), with expert stacks counted at the routed fraction {@code expertsUsed / experts}.
     */
    static long decodeBytes(LoadedModel m) {
        ModelConfig c = m.config();
        double sum = 0;
        for (Map.Entry<String, Weight> e : m.weights().entrySet()) {
            String name = e.getKey();
            Weight w = e.getValue();
            if (name.equals("token_embd.weight")) {
                sum += c.tiedEmbeddings() ? w.byteSize() : (double) w.byteSize() / Math.max(1, w.rows());
            } else if (name.contains("_exps.")) {
                sum += (double) w.byteSize() * c.expertsUsed() / Math.max(1, c.experts());
            } else {
                sum += w.byteSize();
            }
        }
        return Math.round(sum);
    }

    private static long totalBytes(LoadedModel m) {
        return m.weights().values().stream().mapToLong(Weight::byteSize).sum();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
