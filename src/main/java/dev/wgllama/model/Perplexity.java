package dev.wgllama.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.backend.Activation;
import dev.wgllama.backend.KvCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Perplexity with the shared protocol (models/README.md, reference.json {@code perplexity.protocol}): each
 * document is tokenized on its own as {@code [BOS] + tokens}; the sequence is cut into consecutive windows of at
 * most {@code ctx} tokens; every window is scored independently (no carried context) and each token after the
 * first in a window is predicted. {@code ppl = exp(mean NLL)} over all predicted tokens of all documents.
 */
public final class Perplexity {
    private Perplexity() {
    }

    /** The window length of the shared protocol. */
    public static final int DEFAULT_CTX = 256;

    /** One corpus line: {@code {"id": ..., "text": ...}}. */
    public record Document(String id, String text) {
    }

    /**
     * Summed negative log-likelihood (nats) over {@code tokens} predicted tokens.
     */
    public record Result(double nll, long tokens) {
        public double perplexity() {
            return Math.exp(nll / tokens);
        }

        Result plus(Result o) {
            return new Result(nll + o.nll, tokens + o.tokens);
        }
    }

    /** Called after each scored document (for progress bars). */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done    documents scored so far (1-based count)
         * @param total   the running total over those documents
         */
        void documentDone(int done, Document document, Result total);
    }

    /**
     * Scores every document of {@code docs}.
     *
     * @param tokenize text to token ids without BOS
     * @param bos      the BOS token id prepended to every document
     * @param ctx      window length (at most {@link Transformer#MAX_BATCH})
     */
    public static Result score(Transformer tf, List<Document> docs, Function<String, int[]> tokenize, int bos,
                               int ctx) {
        return score(tf, docs, tokenize, bos, ctx, (i, d, r) -> { });
    }

    /** {@link #score(Transformer, List, Function, int, int)} reporting each finished document to {@code progress}. */
    public static Result score(Transformer tf, List<Document> docs, Function<String, int[]> tokenize, int bos,
                               int ctx, Progress progress) {
        checkCtx(tf, ctx);
        Result total = new Result(0, 0);
        try (KvCache cache = tf.newKvCache(ctx)) {
            for (int i = 0; i < docs.size(); i++) {
                Document d = docs.get(i);
                int[] ids = tokenize.apply(d.text());
                int[] seq = new int[ids.length + 1];
                seq[0] = bos;
                System.arraycopy(ids, 0, seq, 1, ids.length);
                total = total.plus(scoreSequence(tf, cache, seq, ctx));
                progress.documentDone(i + 1, d, total);
            }
        }
        return total;
    }

    /**
     * Scores one already tokenized sequence (BOS included) window by window, reusing {@code cache} (of capacity
     * at least {@code ctx}) from position 0 for every window.
     */
    public static Result scoreSequence(Transformer tf, KvCache cache, int[] seq, int ctx) {
        checkCtx(tf, ctx);
        if (cache.capacity() < ctx) {
            throw new IllegalArgumentException("a KV cache of " + cache.capacity() + " positions cannot hold windows"
                    + " of " + ctx);
        }
        double nll = 0;
        long count = 0;
        for (int start = 0; start < seq.length; start += ctx) {
            int[] window = Arrays.copyOfRange(seq, start, Math.min(seq.length, start + ctx));
            if (window.length < 2) {
                continue;                                       // a lone token predicts nothing
            }
            Activation logits = tf.forward(cache, window, 0, true); // [m, vocab], fresh context at position 0
            int[] targets = Arrays.copyOfRange(window, 1, window.length);
            for (float lp : tf.backend().logProbs(logits, targets)) { // rows 0..m-2 predict tokens 1..m-1
                nll -= lp;
            }
            count += targets.length;
        }
        return new Result(nll, count);
    }

    private static void checkCtx(Transformer tf, int ctx) {
        if (ctx < 2 || ctx > Transformer.MAX_BATCH) {
            throw new IllegalArgumentException("perplexity window must be within [2, " + Transformer.MAX_BATCH
                    + "], got " + ctx);
        }
    }

    /** Reads a JSON-lines corpus of {@code {"id", "text"}} objects (blank lines skipped). */
    public static List<Document> readCorpus(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Document> docs = new ArrayList<>();
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (IOException e) {
                throw new ModelFormatException(jsonl + ": line " + (i + 1) + " is not JSON: " + e.getMessage());
            }
            JsonNode text = node == null ? null : node.get("text");
            if (text == null || !text.isTextual()) {
                throw new ModelFormatException(jsonl + ": line " + (i + 1) + " has no string \"text\" field");
            }
            docs.add(new Document(node.path("id").asText("line " + (i + 1)), text.asText()));
        }
        return docs;
    }
}
