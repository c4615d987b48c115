package dev.wgllama.tokenizer;

/**
 * Turns a stream of token ids into text, one token at a time, never splitting a UTF-8 character: bytes of a
 * character spread over several tokens (SentencePiece byte tokens, byte-level BPE pieces) are held back until
 * the character is complete. Invalid byte sequences become U+FFFD as soon as they are provably invalid; never an
 * exception. One instance per generation; not thread-safe.
 */
public interface TokenDecoder {
    /** Appends token {@code id} and returns the text that is now complete (often "", never null). */
    String push(int id);

    /** Ends the stream: bytes still held (an incomplete character) come back as U+FFFD. */
    String flush();
}
