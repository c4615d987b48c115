package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.ModelFormatException;

import java.util.Map;

/**
 * SentencePiece-style {@code tokenizer.json} files (Llama 2, Mistral, TinyLlama as Hugging Face converts them):
 * a BPE model with {@code byte_fallback}, spaces spelled "▁" by the normalizer (Prepend + Replace, older files)
 * or a Metaspace pre-tokenizer (newer files). They map onto {@link Vocabulary.Kind#SENTENCEPIECE}: a piece's
 * score is minus the rank of the first merge that produces it, so merging by highest score merges by lowest
 * rank, which is what Hugging Face's converter wrote the merges from. Differences from Hugging Face, shared with
 * llama.cpp: a "▁" prefix follows every special token (not only the text start), and two different pairs that
 * make the same piece merge leftmost first rather than by their own ranks.
 */
final class HfSentencePieceStyle {
    private static final String SPACE = "\u2581";

    private HfSentencePieceStyle() {
    }

    /** Whether {@code root} describes a SentencePiece-style file (then {@link #addSpacePrefix} applies). */
    static boolean detect(JsonNode root) {
        return root.path("model").path("byte_fallback").asBoolean(false) || replacesSpaces(root.path("normalizer"))
                || root.path("pre_tokenizer").path("type").asText("").equals("Metaspace");
    }

    /**
     * Whether a "▁" is prepended to the text (add_dummy_prefix). Throws unless spaces become "▁" exactly once,
     * by the normalizer or by Metaspace, with nothing else in the way we would ignore.
     */
    static boolean addSpacePrefix(JsonNode root, String src) {
        JsonNode norm = root.path("normalizer"), pre = root.path("pre_tokenizer");
        if (pre.path("type").asText("").equals("Metaspace")) {
            if (!SPACE.equals(pre.path("replacement").asText("")) || !(norm.isNull() || norm.isMissingNode())
                    || pre.path("split").asBoolean(false)) {
                throw unsupported(src, "a Metaspace pre_tokenizer other than replacement '▁', split false, no "
                        + "normalizer");
            }
            String scheme = pre.path("prepend_scheme").asText(pre.path("add_prefix_space").asBoolean(true)
                    ? "always" : "never");
            return !scheme.equals("never");
        }
        if (!(pre.isNull() || pre.isMissingNode())) {
            throw unsupported(src, "pre_tokenizer " + pre.path("type").asText("?") + " with a SentencePiece-style "
                    + "model");
        }
        if (!replacesSpaces(norm)) {
            throw unsupported(src, "a SentencePiece-style model whose normalizer does not turn ' ' into '▁'");
        }
        boolean prepend = false;
        for (JsonNode n : norm.path("normalizers")) {
            String type = n.path("type").asText("");
            if (type.equals("Prepend") && SPACE.equals(n.path("prepend").asText(""))) {
                prepend = true;
            } else if (!type.equals("Replace")) {
                throw unsupported(src, "normalizer " + type + " (only Prepend('▁') and Replace(' ', '▁'))");
            }
        }
        return prepend;
    }

    private static boolean replacesSpaces(JsonNode norm) {
        JsonNode list = norm.path("type").asText("").equals("Sequence") ? norm.path("normalizers") : null;
        if (list == null) {
            return isSpaceReplace(norm);
        }
        for (JsonNode n : list) {
            if (isSpaceReplace(n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpaceReplace(JsonNode n) {
        return n.path("type").asText("").equals("Replace") && " ".equals(n.path("pattern").path("String").asText(""))
                && SPACE.equals(n.path("content").asText(""));
    }

    /**
     * Scores from merge ranks: the piece made by merge r scores -r (its first merge wins); pieces no merge makes
     * score below every merged piece.
     */
    static float[] scores(String[] tokens, String[] merges, Map<String, Integer> ids) {
        float[] scores = new float[tokens.length];
        java.util.Arrays.fill(scores, Float.NaN);
        for (int r = 0; r < merges.length; r++) {
            int sp = merges[r].indexOf(' ', 1);
            Integer id = ids.get(merges[r].substring(0, sp) + merges[r].substring(sp + 1));
            if (id != null && Float.isNaN(scores[id])) {
                scores[id] = -r;
            }
        }
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                scores[i] = -merges.length - 1f;
            }
        }
        return scores;
    }

    private static ModelFormatException unsupported(String src, String what) {
        return new ModelFormatException(src + ": unsupported tokenizer.json: " + what);
    }
}
