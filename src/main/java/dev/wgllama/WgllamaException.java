package dev.wgllama;

/**
 * Base of the few exception types wgllama throws. Messages are for users: they name the file, tensor, key or
 * offset involved and say what was expected and what was found. The CLI prints {@link #getMessage()} alone
 * (exit code 1) unless {@code --verbose}.
 */
public class WgllamaException extends RuntimeException {
    public WgllamaException(String message) {
        super(message);
    }

    public WgllamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
