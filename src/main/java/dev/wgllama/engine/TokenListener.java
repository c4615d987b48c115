package dev.wgllama.engine;

/** Receives generated tokens one by one, on the generating thread, as soon as each is sampled. */
@FunctionalInterface
public interface TokenListener {
    void onToken(Token token);

    /** A listener that ignores every token. */
    static TokenListener none() {
        return t -> { };
    }
}
