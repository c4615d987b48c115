package dev.wgllama.tokenizer;

/**
 * An incremental UTF-8 decoder: bytes in, complete characters out. Malformed input follows the Unicode
 * "maximal subpart" practice (one U+FFFD per maximal invalid prefix, Unicode section 3.9), as browsers and
 * Python do; Java's own decoder agrees except for encoded surrogates (ED A0..BF xx), which it folds into one
 * U+FFFD.
 */
final class Utf8Stream {
    private final byte[] pending = new byte[4];
    private int npending;
    private int needed; // total length of the character whose first bytes are pending
    private final StringBuilder out = new StringBuilder();

    /** Feeds bytes and returns the characters completed by them. */
    String write(byte[] bytes) {
        for (byte b : bytes) {
            accept(b & 0xff);
        }
        return take();
    }

    /** Ends the input: an incomplete character becomes U+FFFD. */
    String flush() {
        if (npending > 0) {
            out.append('\uFFFD');
            npending = 0;
        }
        return take();
    }

    private String take() {
        String s = out.toString();
        out.setLength(0);
        return s;
    }

    private void accept(int b) {
        if (npending == 0) {
            start(b);
            return;
        }
        if (!validNext(b)) {
            // the pending prefix is a maximal invalid subpart; b starts afresh
            out.append('\uFFFD');
            npending = 0;
            start(b);
            return;
        }
        pending[npending++] = (byte) b;
        if (npending == needed) {
            int cp = pending[0] & (0xff >> (needed + 1));
            for (int i = 1; i < needed; i++) {
                cp = cp << 6 | (pending[i] & 0x3f);
            }
            out.appendCodePoint(cp);
            npending = 0;
        }
    }

    private void start(int b) {
        if (b < 0x80) {
            out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xDF) {
            begin(b, 2);
        } else if (b >= 0xE0 && b <= 0xEF) {
            begin(b, 3);
        } else if (b >= 0xF0 && b <= 0xF4) {
            begin(b, 4);
        } else {
            out.append('\uFFFD'); // stray continuation byte, C0/C1 (overlong) or F5..FF
        }
    }

    private void begin(int b, int len) {
        pending[0] = (byte) b;
        npending = 1;
        needed = len;
    }

    /** Whether b may follow the pending bytes: rules out overlongs, surrogates and code points past U+10FFFF. */
    private boolean validNext(int b) {
        if (npending == 1) {
            int lead = pending[0] & 0xff;
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF;
                case 0xED -> b >= 0x80 && b <= 0x9F;
                case 0xF0 -> b >= 0x90 && b <= 0xBF;
                case 0xF4 -> b >= 0x80 && b <= 0x8F;
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }
}
