package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;

import java.util.Objects;

/**
 * Everything a tokenizer needs, in GGUF's vocabulary terms ({@code tokenizer.ggml.*}). Built by
 * {@link SentencePieceModels#read}, {@link HfTokenizerJson#read}, {@link GgufVocabulary#read}, or {@link #of} from
 * plain arrays. The arrays are shared, not copied: treat them as read-only once a tokenizer is built.
 *
 * @param kind           which algorithm: SentencePiece BPE (GGUF "llama") or byte-level BPE (GGUF "gpt2")
 * @param source         where it came from (a path or "GGUF ..."), for error messages only
 * @param pre            the pre-tokenizer name (GGUF {@code tokenizer.ggml.pre}, e.g. "llama-bpe"; "default" if
 *                       none); byte-level BPE only
 * @param tokens         token text by id: SentencePiece pieces ("▁the", "&lt;0x0A&gt;") or byte-level strings ("Ġthe")
 * @param scores         per-token score (SentencePiece merge priority: higher merges first); zeros for BPE
 * @param types          per-token type, GGUF numbering: {@link #NORMAL}, {@link #UNKNOWN}, {@link #CONTROL},
 *                       {@link #USER_DEFINED}, {@link #UNUSED}, {@link #BYTE}
 * @param merges         byte-level BPE merges "left right" by rank (index 0 merges first); empty for SentencePiece
 * @param bos            beginning-of-sequence id, -1 if none
 * @param eos            end-of-sequence id, -1 if none
 * @param unk            unknown-token id, -1 if none
 * @param pad            padding id, -1 if none
 * @param addBos         whether encoding a prompt normally starts with BOS
 * @param addEos         whether encoding a prompt normally ends with EOS
 * @param addSpacePrefix SentencePiece: prepend "▁" to text (add_dummy_prefix)
 * @param ignoreMerges   byte-level BPE: a pre-token that is itself a vocabulary entry becomes that token without
 *                       merging (HF {@code ignore_merges}; llama.cpp sets it for "llama-bpe")
 */
public record Vocabulary(Kind kind, String source, String pre, String[] tokens, float[] scores, int[] types,
                         String[] merges, int bos, int eos, int unk, int pad, boolean addBos, boolean addEos,
                         boolean addSpacePrefix, boolean ignoreMerges) {

    /** GGUF / SentencePiece token types. */
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    /** The tokenizer algorithm. */
    public enum Kind {
        /** SentencePiece BPE over code points with score-ordered merges and byte fallback (GGUF "llama"). */
        SENTENCEPIECE,
        /** GPT-2 style byte-level BPE with a regex pre-tokenizer and ranked merges (GGUF "gpt2"). */
        BYTE_BPE
    }

    /** Validates lengths and ids; a violation is a {@link ModelFormatException} naming {@link #source}. */
    public Vocabulary {
        Objects.requireNonNull(kind, "kind");
        source = source == null ? "vocabulary" : source;
        pre = pre == null || pre.isEmpty() ? "default" : pre;
        if (tokens == null || tokens.length == 0) {
            throw new ModelFormatException(source + ": empty token list");
        }
        int n = tokens.length;
        scores = scores == null ? new float[n] : scores;
        types = types == null ? filled(n) : types;
        merges = merges == null ? new String[0] : merges;
        if (scores.length != n) {
            throw new ModelFormatException(source + ": " + scores.length + " scores for " + n + " tokens");
        }
        if (types.length != n) {
            throw new ModelFormatException(source + ": " + types.length + " token types for " + n + " tokens");
        }
        for (int i = 0; i < n; i++) {
            if (tokens[i] == null) {
                throw new ModelFormatException(source + ": token " + i + " is null");
            }
            if (types[i] < NORMAL || types[i] > BYTE) {
                throw new ModelFormatException(source + ": token " + i + " has type " + types[i]
                        + ", expected 1..6");
            }
        }
        for (int i = 0; i < merges.length; i++) {
            if (merges[i] == null || merges[i].indexOf(' ', 1) < 0) {
                throw new ModelFormatException(source + ": merge " + i + " is '" + merges[i]
                        + "', expected 'left right'");
            }
        }
        checkId(source, "bos", bos, n);
        checkId(source, "eos", eos, n);
        checkId(source, "unk", unk, n);
        checkId(source, "pad", pad, n);
    }

    /**
     * A vocabulary from plain arrays, as a GGUF file stores them. {@code ignoreMerges} follows llama.cpp: true for
     * pre-tokenizer "llama-bpe".
     *
     * @param types  may be null (all {@link #NORMAL})
     * @param scores may be null (all zero)
     * @param merges may be null (none)
     */
    public static Vocabulary of(Kind kind, String source, String pre, String[] tokens, float[] scores,
                                int[] types, String[] merges, int bos, int eos, int unk, int pad, boolean addBos,
                                boolean addEos, boolean addSpacePrefix) {
        return new Vocabulary(kind, source, pre, tokens, scores, types, merges, bos, eos, unk, pad, addBos, addEos,
                addSpacePrefix, "llama-bpe".equals(pre));
    }

    /** The number of tokens. */
    public int size() {
        return tokens.length;
    }

    /** The id of the first token whose text is {@code text}, or -1. Linear: for setup code, not hot paths. */
    public int find(String text) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(text)) {
                return i;
            }
        }
        return -1;
    }

    private static int[] filled(int n) {
        int[] t = new int[n];
        java.util.Arrays.fill(t, NORMAL);
        return t;
    }

    private static void checkId(String source, String what, int id, int n) {
        if (id < -1 || id >= n) {
            throw new ModelFormatException(source + ": " + what + " id " + id + " outside the vocabulary of "
                    + n + " tokens");
        }
    }
}
