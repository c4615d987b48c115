package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 style byte-level BPE (Llama 3 / Llama 4 files): the text is split by the pre-tokenizer regex, each
 * piece's UTF-8 bytes are mapped to printable characters (GPT-2's byte↔unicode table), and adjacent symbols
 * merge by merge rank (lowest first, ties to the leftmost) using a heap with lazy invalidation. Results are
 * cached per piece, since natural text repeats its words.
 */
final class BpeTokenizer extends BaseTokenizer {
    /** GPT-2's pre-tokenizer regex. */
    static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final int CACHE_ENTRIES = 1 << 16;
    private static final int CACHE_MAX_CHARS = 64;

    private final Pattern split;
    private final Map<String, Integer> ids = new HashMap<>();
    private final PairTable merges;
    /** Token id of each byte's single-character symbol, -1 where the vocabulary lacks it. */
    private final int[] byteSymbol = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeTokenizer(Vocabulary v) {
        super(v, renderAll(v), false);
        // UNICODE_CHARACTER_CLASS: \s is Unicode White_Space as in Oniguruma / Rust regex (Java's default \s is
        // ASCII only); it also makes (?i) Unicode-aware. \p{L} and \p{N} are general categories either way.
        split = Pattern.compile(regexFor(v), Pattern.UNICODE_CHARACTER_CLASS);
        String[] t = v.tokens();
        for (int i = 0; i < t.length; i++) {
            if (v.types()[i] != Vocabulary.CONTROL && v.types()[i] != Vocabulary.USER_DEFINED) {
                ids.putIfAbsent(t[i], i);
            }
        }
        String[] m = v.merges();
        merges = new PairTable(m.length);
        for (int rank = 0; rank < m.length; rank++) {
            int sp = m[rank].indexOf(' ', 1);
            String a = m[rank].substring(0, sp), b = m[rank].substring(sp + 1);
            Integer ia = ids.get(a), ib = ids.get(b), im = ids.get(a + b);
            if (ia != null && ib != null && im != null) { // a merge into a missing token can never apply
                merges.putIfAbsent(ia, ib, rank, im);
            }
        }
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = ids.getOrDefault(String.valueOf(ByteLevel.toChar(b)), -1);
        }
    }

    private static String regexFor(Vocabulary v) {
        return switch (v.pre()) {
            case "llama-bpe", "llama3" -> HfTokenizerJson.LLAMA3_REGEX;
            case "gpt2" -> GPT2_REGEX;
            default -> throw new ModelFormatException(v.source() + ": byte-level BPE pre-tokenizer '" + v.pre()
                    + "' is not supported (supported: llama-bpe, llama3, gpt2)");
        };
    }

    @Override
    void encodeText(String text, boolean afterSpecial, IntList out) {
        Matcher m = split.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) { // text the regex skipped is its own piece (HF "Isolated" keeps it)
                encodePiece(text.substring(last, m.start()), out);
            }
            if (m.end() > m.start()) {
                encodePiece(text.substring(m.start(), m.end()), out);
            }
            last = m.end();
        }
        if (last < text.length()) {
            encodePiece(text.substring(last), out);
        }
    }

    private void encodePiece(String piece, IntList out) {
        int[] cached = cache.get(piece);
        if (cached == null) {
            cached = bpe(piece);
            if (piece.length() <= CACHE_MAX_CHARS) {
                if (cache.size() >= CACHE_ENTRIES) {
                    cache.clear(); // crude bound: a long text of unique words must not grow memory forever
                }
                cache.put(piece, cached);
            }
        }
        out.addAll(cached);
    }

    private int[] bpe(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        if (vocab.ignoreMerges()) {
            Integer whole = ids.get(ByteLevel.encode(bytes));
            if (whole != null) {
                return new int[] {whole};
            }
        }
        int n = bytes.length;
        int[] id = new int[n], prev = new int[n], next = new int[n];
        int count = 0;
        for (byte b : bytes) {
            int s = byteSymbol[b & 0xff];
            if (s < 0) {
                continue; // a byte the vocabulary cannot spell: dropped, as HF does without an unk token
            }
            id[count] = s;
            prev[count] = count - 1;
            next[count] = count + 1;
            count++;
        }
        if (count == 0) {
            return new int[0];
        }
        next[count - 1] = -1;
        LongHeap agenda = new LongHeap();
        for (int i = 0; i + 1 < count; i++) {
            propose(id, i, i + 1, agenda);
        }
        int alive = count;
        while (!agenda.isEmpty()) {
            long key = agenda.poll();
            int left = (int) key;
            int right = next[left];
            if (id[left] < 0 || right < 0) {
                continue;
            }
            long merge = merges.get(id[left], id[right]);
            if (merge < 0 || (merge >>> 32) != (key >>> 32)) {
                continue; // stale: a neighbour changed since this pair was proposed
            }
            id[left] = (int) merge;
            id[right] = -1;
            alive--;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                propose(id, prev[left], left, agenda);
            }
            if (next[left] >= 0) {
                propose(id, left, next[left], agenda);
            }
        }
        int[] result = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            result[k++] = id[i];
        }
        return result;
    }

    private void propose(int[] id, int left, int right, LongHeap agenda) {
        long merge = merges.get(id[left], id[right]);
        if (merge >= 0) {
            agenda.add((merge >>> 32) << 32 | left); // lowest rank first, then the leftmost position
        }
    }

    /** Control and user-defined tokens render as their text; the rest map back through GPT-2's byte table. */
    private static byte[][] renderAll(Vocabulary v) {
        String[] t = v.tokens();
        byte[][] out = new byte[t.length][];
        for (int i = 0; i < t.length; i++) {
            int type = v.types()[i];
            out[i] = type == Vocabulary.CONTROL || type == Vocabulary.USER_DEFINED
                    ? t[i].getBytes(StandardCharsets.UTF_8) : ByteLevel.decode(t[i]);
        }
        return out;
    }
}
