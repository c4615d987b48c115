package dev.wgllama.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte↔unicode table: byte-level BPE vocabularies spell each byte as one printable character. Bytes
 * '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves; the other 68 bytes (controls, space, DEL, NBSP, soft
 * hyphen...) map in byte order to U+0100, U+0101, ... (so space is 'Ġ' U+0120 and '\n' is 'Ċ' U+010A).
 */
final class ByteLevel {
    private static final char[] TO_CHAR = new char[256];
    private static final int[] FROM_CHAR = new int[512]; // inverse; all mapped chars are below U+0200

    static {
        java.util.Arrays.fill(FROM_CHAR, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean self = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = self ? (char) b : (char) (256 + extra++);
            TO_CHAR[b] = c;
            FROM_CHAR[c] = b;
        }
    }

    private ByteLevel() {
    }

    static char toChar(int b) {
        return TO_CHAR[b];
    }

    /** Bytes → the vocabulary spelling. */
    static String encode(byte[] bytes) {
        char[] c = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            c[i] = TO_CHAR[bytes[i] & 0xff];
        }
        return new String(c);
    }

    /**
     * A vocabulary spelling → bytes. A character outside the table (possible only in malformed vocabularies)
     * contributes its own UTF-8 bytes rather than failing.
     */
    static byte[] decode(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            int b = cp < FROM_CHAR.length ? FROM_CHAR[cp] : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }
}
