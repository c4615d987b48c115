package dev.wgllama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.engine.Engine;
import dev.wgllama.model.Perplexity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wgllama eval}: evaluations; {@code eval perplexity} scores a JSON-lines corpus. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model.",
        subcommands = {EvalCommand.PerplexityCommand.class})
public final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name an evaluation: perplexity");
    }

    /** The shared perplexity protocol (models/README.md) over {@code {"id","text"}} lines. */
    @Command(name = "perplexity", mixinStandardHelpOptions = true,
            description = {"Perplexity over a JSON-lines corpus ({\"id\", \"text\"} per line): each document "
                    + "alone as [BOS] + tokens, in independent windows of --ctx tokens; ppl = exp(mean NLL).",
                "Progress goes to stderr."})
    public static final class PerplexityCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions modelOptions;

        @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "the corpus")
        Path data;

        @Option(names = "--ctx", defaultValue = "256", paramLabel = "N",
                description = "window length (default ${DEFAULT-VALUE})")
        int ctx;

        @Option(names = "--max-docs", defaultValue = "0", paramLabel = "N",
                description = "score only the first N documents; 0: all")
        int maxDocs;

        @Option(names = "--json", description = "print {\"perplexity\", \"tokens_scored\", ...} as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (maxDocs < 0) {
                throw new IllegalArgumentException("--max-docs must be >= 0, got " + maxDocs);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Perplexity.Document> docs = Perplexity.readCorpus(data);
            if (maxDocs > 0 && docs.size() > maxDocs) {
                docs = docs.subList(0, maxDocs);
            }
            if (docs.isEmpty()) {
                throw new IllegalArgumentException(data + ": no documents");
            }
            int total = docs.size();
            long t0 = System.nanoTime();
            Perplexity.Result r;
            try (Engine engine = modelOptions.load(err)) {
                r = engine.perplexity(docs, ctx, (done, doc, sum) -> {
                    err.printf(Locale.ROOT, "\r[%d/%d] %s  tokens %d  ppl %.4f", done, total, doc.id(),
                            sum.tokens(), sum.perplexity());
                    err.flush();
                });
            }
            double s = (System.nanoTime() - t0) / 1e9;
            err.println();
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("perplexity", r.perplexity());
                o.put("tokens_scored", r.tokens());
                o.put("nll", r.nll());
                o.put("documents", total);
                o.put("ctx", ctx);
                o.put("seconds", s);
                out.println(o);
            } else {
                out.printf(Locale.ROOT, "perplexity %.6f over %d tokens (%d documents, ctx %d) in %.1f s, %.0f "
                        + "tokens/s%n", r.perplexity(), r.tokens(), total, ctx, s, r.tokens() / s);
            }
            out.flush();
            return 0;
        }
    }
}
