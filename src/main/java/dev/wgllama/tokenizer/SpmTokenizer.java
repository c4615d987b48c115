package dev.wgllama.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * SentencePiece BPE, with llama.cpp's {@code llm_tokenizer_spm} semantics: spaces become "▁", a "▁" is prefixed
 * to each text fragment at the start or after a special token (add_dummy_prefix), then adjacent symbols (code
 * points at first) merge greedily, always the pair whose concatenation is the highest-scoring normal piece,
 * ties to the leftmost. A code point that is no piece falls back to its UTF-8 bytes as {@code <0xNN>} tokens, or
 * to the unknown token. The agenda is a heap of (score, left position) with lazy invalidation: O(n log n).
 */
final class SpmTokenizer extends BaseTokenizer {
    private static final char SPACE = '\u2581';

    /** Normal pieces only: control, byte and unused pieces never come out of merging (as in SentencePiece). */
    private final PieceTable pieces;
    private final int maxPieceChars;
    private final float[] scores;
    /** {@code <0xNN>} token for each byte, -1 where missing. */
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary v) {
        super(v, renderAll(v), v.addSpacePrefix());
        String[] t = v.tokens();
        int maxLen = 1;
        java.util.Arrays.fill(byteTokens, -1);
        pieces = new PieceTable(t.length);
        for (int i = 0; i < t.length; i++) {
            int type = v.types()[i];
            if (type == Vocabulary.NORMAL) {
                pieces.putIfAbsent(t[i], i);
                maxLen = Math.max(maxLen, t[i].length());
            } else if (type == Vocabulary.BYTE) {
                int b = parseByte(t[i]);
                if (b >= 0 && byteTokens[b] < 0) {
                    byteTokens[b] = i;
                }
            }
        }
        maxPieceChars = maxLen;
        scores = v.scores();
    }

    @Override
    void encodeText(String fragment, boolean afterSpecial, IntList out) {
        String s = ((vocab.addSpacePrefix() && afterSpecial ? " " : "") + fragment).replace(' ', SPACE);
        int n = s.length();
        // Symbols are char ranges [start, end) of s in a doubly linked list; merging folds right into left.
        int[] start = new int[n], end = new int[n], prev = new int[n], next = new int[n], id = new int[n];
        int count = 0;
        for (int i = 0; i < n; ) {
            int len = Character.charCount(s.codePointAt(i));
            start[count] = i;
            end[count] = Math.min(n, i + len);
            prev[count] = count - 1;
            next[count] = count + 1;
            id[count] = -1;
            count++;
            i += len;
        }
        if (count == 0) {
            return;
        }
        next[count - 1] = -1;
        // pairTok[left]: the piece that (left, next[left]) would merge into, -1 if none; heap entries whose score
        // no longer matches it are stale. (A stale entry with the same score stands for the same merge.)
        int[] pairTok = new int[count];
        java.util.Arrays.fill(pairTok, -1);
        LongHeap agenda = new LongHeap();
        for (int i = 0; i + 1 < count; i++) {
            propose(s, i, i + 1, start, end, pairTok, agenda);
        }
        while (!agenda.isEmpty()) {
            long key = agenda.poll();
            int left = (int) key;
            int tok = pairTok[left];
            if (start[left] < 0 || tok < 0 || (int) (key >> 32) != ~sortable(scores[tok])) {
                continue; // stale: merged away, or the neighbours changed since this pair was proposed
            }
            int right = next[left];
            end[left] = end[right];
            id[left] = tok;
            start[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                propose(s, prev[left], left, start, end, pairTok, agenda);
            }
            if (next[left] >= 0) {
                propose(s, left, next[left], start, end, pairTok, agenda);
            } else {
                pairTok[left] = -1;
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            if (id[i] >= 0) {
                out.add(id[i]);
                continue;
            }
            int single = pieces.get(s, start[i], end[i]);
            if (single >= 0) {
                out.add(single);
            } else {
                fallback(s.substring(start[i], end[i]), out);
            }
        }
    }

    /** An unknown code point: its UTF-8 bytes as byte tokens, or the unknown token if any byte has none. */
    private void fallback(String piece, IntList out) {
        // the bytes of the escaped text ("▁" stays E2 96 81), as SentencePiece and llama.cpp do
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        boolean all = true;
        for (byte b : bytes) {
            all &= byteTokens[b & 0xff] >= 0;
        }
        if (all) {
            for (byte b : bytes) {
                out.add(byteTokens[b & 0xff]);
            }
        } else if (vocab.unk() >= 0) {
            out.add(vocab.unk());
        }
        // no byte tokens and no unknown token: the character cannot be represented and is dropped
    }

    private void propose(String s, int left, int right, int[] start, int[] end, int[] pairTok, LongHeap agenda) {
        int tok = lookup(s, start[left], end[right]);
        pairTok[left] = tok;
        if (tok >= 0) {
            // min-heap key: highest score first (~sortable), then the leftmost position
            agenda.add((long) ~sortable(scores[tok]) << 32 | left);
        }
    }

    private int lookup(String s, int from, int to) {
        if (to - from > maxPieceChars) {
            return -1;
        }
        return pieces.get(s, from, to);
    }

    /** Float bits as an int that orders like the float. */
    private static int sortable(float f) {
        int b = Float.floatToIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** "&lt;0x0A&gt;" → 10, otherwise -1. */
    static int parseByte(String t) {
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            try {
                return Integer.parseInt(t.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** How each token renders: "▁" as a space, byte tokens as their byte, everything else as its UTF-8 text. */
    private static byte[][] renderAll(Vocabulary v) {
        String[] t = v.tokens();
        byte[][] out = new byte[t.length][];
        for (int i = 0; i < t.length; i++) {
            int b = v.types()[i] == Vocabulary.BYTE ? parseByte(t[i]) : -1;
            if (b >= 0) {
                out[i] = new byte[] {(byte) b};
            } else if (v.types()[i] == Vocabulary.CONTROL) {
                out[i] = t[i].getBytes(StandardCharsets.UTF_8);
            } else {
                out[i] = t[i].replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }
}
