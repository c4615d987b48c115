package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.gguf.GgufMetadata;

/**
 * Maps a GGUF file's {@code tokenizer.ggml.*} keys onto a {@link Vocabulary}, with llama.cpp's defaults for keys a
 * file leaves out: SentencePiece ("llama") files default to BOS 1, EOS 2, UNK 0, add BOS and add the space
 * prefix; byte-level ("gpt2") files have no default ids, add BOS only for the "llama-bpe" pre-tokenizer, and
 * ignore merges for whole-word vocabulary hits there.
 */
public final class GgufVocabulary {
    private static final String P = "tokenizer.ggml.";

    private GgufVocabulary() {
    }

    /** Reads the vocabulary; {@code source} (the file name) prefixes error messages. */
    public static Vocabulary read(GgufMetadata md, String source) {
        String model = md.string(P + "model");
        Vocabulary.Kind kind = switch (model) {
            case "llama" -> Vocabulary.Kind.SENTENCEPIECE;
            case "gpt2" -> Vocabulary.Kind.BYTE_BPE;
            default -> throw new ModelFormatException(source + ": " + P + "model is '" + model
                    + "', supported: llama (SentencePiece), gpt2 (byte-level BPE)");
        };
        boolean spm = kind == Vocabulary.Kind.SENTENCEPIECE;
        String[] tokens = md.stringArray(P + "tokens");
        int n = tokens.length;
        float[] scores = md.optFloatArray(P + "scores").orElse(null);
        int[] types = md.optIntArray(P + "token_type").orElse(null);
        String[] merges = spm ? null : md.stringArray(P + "merges");
        String pre = spm ? "default" : md.stringOr(P + "pre", "default");
        boolean llama3 = pre.equals("llama-bpe") || pre.equals("llama3");
        return new Vocabulary(kind, source, pre, tokens, scores, types, merges,
                id(md, "bos_token_id", spm ? 1 : -1, n, source), id(md, "eos_token_id", spm ? 2 : -1, n, source),
                id(md, "unknown_token_id", spm ? 0 : -1, n, source), id(md, "padding_token_id", -1, n, source),
                md.boolOr(P + "add_bos_token", spm || llama3), md.boolOr(P + "add_eos_token", false),
                md.boolOr(P + "add_space_prefix", spm), !spm && llama3);
    }

    /** An id key; absent → the default, -1 (as i32 or u32 0xFFFFFFFF) → none, else it must be a token. */
    private static int id(GgufMetadata md, String key, int dflt, int n, String source) {
        if (!md.has(P + key)) {
            return dflt < n ? dflt : -1;
        }
        long v = md.int64(P + key);
        if (v == -1 || v == 0xFFFFFFFFL) {
            return -1;
        }
        if (v < 0 || v >= n) {
            throw new ModelFormatException(source + ": " + P + key + " = " + v + " is outside the vocabulary of "
                    + n + " tokens");
        }
        return (int) v;
    }
}
