package dev.wgllama;

/**
 * A model, tokenizer or data file is malformed, truncated, hostile or unsupported: wrong magic, absurd counts,
 * offsets past the end, unknown tensor types, missing tensors or keys, wrong shapes, malformed JSON.
 * The message names the file and the place (key, tensor, byte offset) and the expected vs actual value.
 */
public class ModelFormatException extends WgllamaException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
