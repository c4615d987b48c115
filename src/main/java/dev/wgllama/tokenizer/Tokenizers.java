package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;

/** Builds the {@link Tokenizer} a {@link Vocabulary} calls for. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * SentencePiece BPE for {@link Vocabulary.Kind#SENTENCEPIECE}, byte-level BPE for
     * {@link Vocabulary.Kind#BYTE_BPE}.
     *
     * @throws ModelFormatException if the vocabulary asks for something unsupported (an unknown pre-tokenizer)
     */
    public static Tokenizer create(Vocabulary vocabulary) {
        return switch (vocabulary.kind()) {
            case SENTENCEPIECE -> new SpmTokenizer(vocabulary);
            case BYTE_BPE -> new BpeTokenizer(vocabulary);
        };
    }
}
