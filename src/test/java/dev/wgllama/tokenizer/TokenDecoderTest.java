package dev.wgllama.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming decode: characters split over tokens come out whole; invalid bytes become U+FFFD, never throw. */
class TokenDecoderTest {
    static final String MULTIBYTE = "naïve café — déjà vu 日本語のテキスト emoji 😀👍🏽 test ✓ 𝔘";

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void streamingYieldsExactTextAndHoldsPartialCharacters(String model) {
        Tokenizer t = TokenizerReferenceTest.load(model);
        int[] ids = t.encode(MULTIBYTE, true, false);
        TokenDecoder d = t.newDecoder(false);
        StringBuilder sb = new StringBuilder();
        int heldBack = 0;
        for (int id : ids) {
            String piece = d.push(id);
            assertFalse(piece.contains("\uFFFD"), "no replacement char mid-stream: " + piece);
            assertFalse(!piece.isEmpty() && Character.isHighSurrogate(piece.charAt(piece.length() - 1)),
                    "never half a surrogate pair");
            if (piece.isEmpty() && !t.isSpecial(id)) {
                heldBack++;
            }
            sb.append(piece);
        }
        sb.append(d.flush());
        assertEquals(MULTIBYTE, sb.toString());
        // the models spell rare characters byte by byte, so some tokens must have been held back
        assertTrue(heldBack > 3, "partial characters were buffered (" + heldBack + " tokens)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b"})
    void streamOfRandomTokensMatchesJavaDecodingOfTheirBytes(String model) {
        Tokenizer t = TokenizerReferenceTest.load(model);
        Vocabulary v = t.vocabulary();
        Random r = new Random(3);
        int n = v.size();
        int checked = 0;
        for (int trial = 0; trial < 400; trial++) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            TokenDecoder d = t.newContinuationDecoder(true);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 1 + r.nextInt(30); k++) {
                // favour the low ids: SentencePiece byte tokens <0x00>..<0xFF> and byte-level single bytes
                int id = r.nextBoolean() ? r.nextInt(Math.min(n, 300)) : r.nextInt(n);
                if (v.types()[id] != Vocabulary.NORMAL && v.types()[id] != Vocabulary.BYTE) {
                    continue;
                }
                bytes.writeBytes(tokenBytes(v, id));
                sb.append(d.push(id));
            }
            String streamed = sb.append(d.flush()).toString();
            if (!hasEncodedSurrogate(bytes.toByteArray())) {
                assertEquals(new String(bytes.toByteArray(), StandardCharsets.UTF_8), streamed);
                checked++;
            }
        }
        assertTrue(checked > 300, "enough sequences checked: " + checked);
    }

    /** A token's bytes, spelled out here independently of the tokenizers' own tables. */
    private static byte[] tokenBytes(Vocabulary v, int id) {
        String text = v.tokens()[id];
        if (v.kind() == Vocabulary.Kind.SENTENCEPIECE) {
            return v.types()[id] == Vocabulary.BYTE ? new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)}
                    : text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        // GPT-2's table: printable Latin-1 stands for itself, the other bytes are U+0100 + their rank
        java.util.List<Integer> shifted = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if (!((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE)) {
                shifted.add(b);
            }
        }
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out[i] = (byte) (c < 0x100 ? c : shifted.get(c - 0x100));
        }
        return out;
    }

    @Test
    void continuationKeepsTheLeadingSpaceOfTheFirstToken() {
        Tokenizer a = TokenizerReferenceTest.load("tiny-a");
        int[] ids = a.encode("Hello world", false, false); // ▁He ll o ▁world
        TokenDecoder c = a.newContinuationDecoder(false);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(c.push(id));
        }
        assertEquals(" Hello world", sb.append(c.flush()).toString());
        assertEquals("Hello world", a.decode(ids));
        Tokenizer b = TokenizerReferenceTest.load("tiny-b"); // byte-level BPE never drops anything
        int[] bids = b.encode(" Hello", false, false);
        assertEquals(" Hello", b.newContinuationDecoder(true).push(bids[0]) + b.decode(
                java.util.Arrays.copyOfRange(bids, 1, bids.length)));
    }

    @Test
    void sentencePieceInvalidBytesBecomeReplacementCharacters() {
        Tokenizer t = TokenizerReferenceTest.load("tiny-a");
        int e2 = byteToken(t, 0xE2), x82 = byteToken(t, 0x82), ff = byteToken(t, 0xFF), ac = byteToken(t, 0xAC);
        int a = t.vocabulary().find("a");
        // E2 82 is a valid prefix (of "€"), then "a" proves it incomplete: one U+FFFD, then "a"
        TokenDecoder d = t.newDecoder();
        assertEquals("", d.push(e2));
        assertEquals("", d.push(x82));
        assertEquals("\uFFFDa", d.push(a));
        assertEquals("\uFFFD", d.push(ff)); // never valid in UTF-8
        assertEquals("", d.push(e2));
        assertEquals("\uFFFD", d.flush()); // truncated at the end of the stream
        // completes when the last byte arrives
        TokenDecoder ok = t.newDecoder();
        assertEquals("", ok.push(e2) + ok.push(x82));
        assertEquals("€", ok.push(ac));
        assertEquals("", ok.flush());
        // a stray continuation byte, then a good character
        assertEquals("\uFFFD€", t.decode(new int[] {ac, e2, x82, ac}));
    }

    @Test
    void byteLevelInvalidBytesBecomeReplacementCharacters() {
        Tokenizer t = TokenizerReferenceTest.load("tiny-b");
        int e2 = t.vocabulary().find(String.valueOf(ByteLevel.toChar(0xE2)));
        int x82 = t.vocabulary().find(String.valueOf(ByteLevel.toChar(0x82)));
        int ac = t.vocabulary().find(String.valueOf(ByteLevel.toChar(0xAC)));
        assertTrue(e2 >= 0 && x82 >= 0 && ac >= 0, "byte symbols in the vocabulary");
        assertEquals("€", t.decode(new int[] {e2, x82, ac}));
        assertEquals("\uFFFD\uFFFD", t.decode(new int[] {e2, x82, e2}));
        assertEquals("\uFFFD", t.decode(new int[] {x82}));
    }

    @Test
    void utf8StreamAgreesWithJavaDecoderOnRandomBytes() {
        Random r = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] b = new byte[r.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                // bias toward bytes that form (and break) multi-byte sequences
                b[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 0x80 + r.nextInt(0x78));
            }
            if (hasEncodedSurrogate(b)) {
                continue; // Java folds ED A0..BF xx into one U+FFFD; Unicode's practice (ours) gives one per byte
            }
            Utf8Stream s = new Utf8Stream();
            StringBuilder sb = new StringBuilder();
            for (byte x : b) { // one byte at a time: the worst split
                sb.append(s.write(new byte[] {x}));
            }
            sb.append(s.flush());
            assertEquals(new String(b, StandardCharsets.UTF_8), sb.toString(), () -> hex(b));
        }
    }

    @Test
    void utf8StreamFollowsUnicodeMaximalSubpartPractice() {
        // Unicode 16, section 3.9, table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 → a,FFFD,FFFD,FFFD,b,...
        byte[] b = {0x61, (byte) 0xF1, (byte) 0x80, (byte) 0x80, (byte) 0xE1, (byte) 0x80, (byte) 0xC2, 0x62,
            (byte) 0x80, 0x63, (byte) 0x80, (byte) 0xBF, 0x64};
        Utf8Stream s = new Utf8Stream();
        assertEquals("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd", s.write(b) + s.flush());
        // an encoded surrogate (ED A0 80) and an overlong (C0 AF): one U+FFFD per byte
        Utf8Stream t = new Utf8Stream();
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", t.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80,
            (byte) 0xC0, (byte) 0xAF}) + t.flush());
    }

    private static boolean hasEncodedSurrogate(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xED && (b[i + 1] & 0xff) >= 0xA0 && (b[i + 1] & 0xff) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    static int byteToken(Tokenizer t, int b) {
        int id = t.vocabulary().find(String.format("<0x%02X>", b));
        assertTrue(id >= 0, "byte token for " + b);
        return id;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02X ", x));
        }
        return sb.toString();
    }
}
