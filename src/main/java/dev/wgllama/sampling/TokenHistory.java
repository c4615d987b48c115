package dev.wgllama.sampling;

import java.util.Arrays;

/** The tokens accepted so far, oldest first (a growable int array). The caller decides whether prompt tokens count. */
public final class TokenHistory {
    private int[] tokens = new int[64];
    private int size;

    public void add(int token) {
        if (token < 0) {
            throw new IllegalArgumentException("token id must be >= 0, got " + token);
        }
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
    }

    public int size() {
        return size;
    }

    public int get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("history index " + i + " of " + size);
        }
        return tokens[i];
    }

    public void clear() {
        size = 0;
    }

    /** A copy of the last {@code n} tokens ({@code n < 0}: all), oldest first. */
    public int[] last(int n) {
        int k = n < 0 ? size : Math.min(n, size);
        return Arrays.copyOfRange(tokens, size - k, size);
    }
}
