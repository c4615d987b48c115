package dev.wgllama.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Special tokens: parsed only on request, rendered on request, end-of-turn ids, vocabulary metadata. */
class SpecialTokenTest {
    @Test
    void byteLevelControlTokensInPlainTextStayText() {
        Tokenizer t = TokenizerReferenceTest.load("tiny-b");
        String text = "Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nok";
        int[] plain = t.encode(text, false, false);
        for (int id : plain) {
            assertFalse(t.isSpecial(id), "plain text produced control token " + id);
        }
        assertEquals(text, t.decode(plain));
        int[] parsed = t.encode(text, false, true);
        int eot = t.vocabulary().find("<|eot_id|>");
        int start = t.vocabulary().find("<|start_header_id|>");
        int end = t.vocabulary().find("<|end_header_id|>");
        // "Hi" encodes alone; the three control tokens come out as single ids in place
        int[] hi = t.encode("Hi", false, false);
        assertArrayEquals(hi, Arrays.copyOf(parsed, hi.length));
        assertEquals(eot, parsed[hi.length]);
        assertEquals(start, parsed[hi.length + 1]);
        assertTrue(Arrays.stream(parsed).anyMatch(id -> id == end));
        assertEquals(text, t.decode(parsed));
        assertEquals("Hiassistant\n\nok", t.decode(parsed, false));
    }

    @Test
    void sentencePieceControlTokensOnlyWhenParsed() {
        Tokenizer t = TokenizerReferenceTest.load("tiny-a");
        int[] plain = t.encode("a</s>b", false, false);
        assertFalse(Arrays.stream(plain).anyMatch(t::isSpecial));
        assertEquals("a</s>b", t.decode(plain));
        int[] parsed = t.encode("a</s>b", false, true);
        // as llama.cpp: each text fragment after a special token gets the "▁" prefix again
        int[] a = t.encode("a", false, false), b = t.encode("b", false, false);
        int[] expected = new int[a.length + 1 + b.length];
        System.arraycopy(a, 0, expected, 0, a.length);
        expected[a.length] = 2;
        System.arraycopy(b, 0, expected, a.length + 1, b.length);
        assertArrayEquals(expected, parsed);
        assertEquals("a</s>b", t.decode(parsed));
        assertEquals("ab", t.decode(parsed, false));
    }

    @Test
    void endOfGenerationIds() {
        Tokenizer a = TokenizerReferenceTest.load("tiny-a");
        assertArrayEquals(new int[] {2}, a.eosIds());
        assertEquals(1, a.bos());
        Tokenizer b = TokenizerReferenceTest.load("tiny-b");
        assertEquals(8176, b.bos());
        assertEquals(8177, b.eos());
        assertArrayEquals(new int[] {8177, b.vocabulary().find("<|eot_id|>"), b.vocabulary().find("<|eom_id|>")},
                b.eosIds());
        Tokenizer c = TokenizerReferenceTest.load("tiny-c");
        assertArrayEquals(new int[] {8177, c.vocabulary().find("<|eot|>"), c.vocabulary().find("<|eom|>")},
                c.eosIds());
        assertTrue(c.isSpecial(c.vocabulary().find("<|header_start|>")));
        assertFalse(c.isSpecial(c.encode("the", false, false)[0]));
        assertEquals("<|eot|>", c.tokenText(8180));
        assertThrows(IllegalArgumentException.class, () -> c.tokenText(8192));
        assertThrows(IllegalArgumentException.class, () -> c.newDecoder().push(-1));
    }

    @Test
    void vocabularyMetadata() {
        Vocabulary a = TokenizerReferenceTest.load("tiny-a").vocabulary();
        assertEquals(Vocabulary.Kind.SENTENCEPIECE, a.kind());
        assertEquals(4096, a.size());
        assertEquals(0, a.unk());
        assertEquals(-1, a.pad());
        assertTrue(a.addSpacePrefix());
        assertEquals(Vocabulary.BYTE, a.types()[3 + 0x41]);
        assertEquals("<0x41>", a.tokens()[3 + 0x41]);
        assertEquals(-266.0f, a.scores()[525]);
        Vocabulary b = TokenizerReferenceTest.load("tiny-b").vocabulary();
        assertEquals(Vocabulary.Kind.BYTE_BPE, b.kind());
        assertEquals("llama-bpe", b.pre());
        assertEquals(8192, b.size());
        assertEquals(Vocabulary.CONTROL, b.types()[8176]);
        assertEquals(Vocabulary.NORMAL, b.types()[100]);
        assertEquals("Ġ t", b.merges()[0]);
        assertTrue(b.addBos());
        assertFalse(b.addEos());
        assertFalse(b.addSpacePrefix());
    }

    @Test
    void emptyTextGivesOnlyBos() {
        for (String m : new String[] {"tiny-a", "tiny-b"}) {
            Tokenizer t = TokenizerReferenceTest.load(m);
            assertArrayEquals(new int[0], t.encode("", false, true));
            assertArrayEquals(new int[] {t.bos()}, t.encode("", true, true));
            assertEquals("", t.decode(new int[0]));
        }
    }

    @Test
    void ofBuildsAWorkingTokenizerFromPlainArrays() {
        // the GGUF path: plain arrays, ignore_merges implied by "llama-bpe"
        Vocabulary hf = TokenizerReferenceTest.load("tiny-b").vocabulary();
        Vocabulary v = Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "test", "llama-bpe", hf.tokens(), null, hf.types(),
                hf.merges(), 8176, 8177, -1, -1, true, false, false);
        assertTrue(v.ignoreMerges());
        String text = "The jury said that";
        assertArrayEquals(Tokenizers.create(hf).encode(text, true, false), Tokenizers.create(v).encode(text, true,
                false));
    }
}
