package dev.wgllama.tokenizer;

/**
 * Text ↔ token ids for one model. Implementations are immutable and thread-safe; get one from
 * {@link Tokenizers#create(Vocabulary)}.
 */
public interface Tokenizer {
    /**
     * Encodes {@code text}.
     *
     * @param addBos       prepend {@link #bos()} (when the vocabulary has one); callers normally pass
     *                     {@code vocabulary().addBos()} for a fresh prompt
     * @param parseSpecial whether control tokens written in the text ("&lt;|eot_id|&gt;") become those tokens; when
     *                     false plain text never produces a control token. User-defined (non-special added) tokens
     *                     are always matched, as in Hugging Face and llama.cpp.
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * Decodes ids to text, control tokens rendered as their text; invalid UTF-8 becomes U+FFFD. The inverse of
     * {@link #encode}: SentencePiece's "▁" prefix at the start of the text and after each special token is
     * dropped again, so {@code decode(encode(x, b, p)) == x} for every x (lone surrogates aside).
     */
    default String decode(int[] ids) {
        return decode(ids, true);
    }

    /** Decodes ids to text; {@code renderSpecial=false} drops control tokens (BOS, EOS, headers). */
    default String decode(int[] ids, boolean renderSpecial) {
        TokenDecoder d = newDecoder(renderSpecial);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(d.push(id));
        }
        return sb.append(d.flush()).toString();
    }

    /** A streaming decoder that renders control tokens as their text; see {@link #newDecoder(boolean)}. */
    default TokenDecoder newDecoder() {
        return newDecoder(true);
    }

    /**
     * A streaming decoder for a text from its start: the pieces it returns concatenate to exactly
     * {@link #decode(int[], boolean)}. {@code renderSpecial=false} drops control tokens.
     */
    TokenDecoder newDecoder(boolean renderSpecial);

    /**
     * A streaming decoder for tokens that continue earlier text, such as generated tokens after a prompt: unlike
     * {@link #newDecoder(boolean)} it keeps a SentencePiece token's leading space at the start of the stream
     * ("▁Paris" after "The capital is" prints " Paris").
     */
    TokenDecoder newContinuationDecoder(boolean renderSpecial);

    /** Whether {@code id} is a control token (BOS, EOS, chat headers, reserved specials). */
    boolean isSpecial(int id);

    /** The BOS id, or -1. */
    int bos();

    /** The EOS id, or -1. */
    int eos();

    /**
     * Every id that ends a generation: EOS plus end-of-turn control tokens present in the vocabulary
     * ({@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|eot|>}, {@code <|eom|>}, ...). A fresh array each call.
     */
    int[] eosIds();

    /** The raw vocabulary text of a token ("▁the", "Ġthe", "&lt;0x0A&gt;", "&lt;|eot_id|&gt;"). */
    String tokenText(int id);

    /** The vocabulary this tokenizer was built from. */
    Vocabulary vocabulary();
}
