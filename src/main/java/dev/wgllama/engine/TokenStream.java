package dev.wgllama.engine;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A generation pulled token by token ({@link Session#stream}): {@link #next()} runs the model for one token on
 * the caller's thread. Abandoning it part-way is fine; the session keeps what it has computed.
 */
public final class TokenStream implements Iterator<Token> {
    private final Generation generation;
    private Token buffered;

    TokenStream(Generation generation) {
        this.generation = generation;
    }

    @Override
    public boolean hasNext() {
        if (buffered == null) {
            buffered = generation.step();
        }
        return buffered != null;
    }

    @Override
    public Token next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended: " + generation.result().finishReason());
        }
        Token t = buffered;
        buffered = null;
        return t;
    }

    /** The tokens as a sequential {@link Stream} (consuming this iterator). */
    public Stream<Token> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /**
     * The result once every token has been taken.
     *
     * @throws IllegalStateException while the generation is still running
     */
    public GenerateResult result() {
        return generation.result();
    }
}
