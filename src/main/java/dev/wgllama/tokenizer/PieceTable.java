package dev.wgllama.tokenizer;

/**
 * String → id lookup by a region of a larger string, without allocating the substring: SentencePiece merging
 * looks up millions of candidate pairs on long inputs. Open addressing, load factor at most 1/2.
 */
final class PieceTable {
    private final String[] keys;
    private final int[] ids;
    private final int mask;

    PieceTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new String[cap];
        ids = new int[cap];
        mask = cap - 1;
    }

    /** Adds {@code key → id} unless the key is present (the first id wins). */
    void putIfAbsent(String key, int id) {
        int i = mix(key.hashCode()) & mask;
        while (keys[i] != null) {
            if (keys[i].equals(key)) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        ids[i] = id;
    }

    /** The id of {@code s[from, to)}, or -1. */
    int get(String s, int from, int to) {
        int h = 0; // String.hashCode over the region
        for (int k = from; k < to; k++) {
            h = 31 * h + s.charAt(k);
        }
        int len = to - from;
        int i = mix(h) & mask;
        while (keys[i] != null) {
            String key = keys[i];
            if (key.length() == len && key.regionMatches(0, s, from, len)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static int mix(int h) {
        return (h * 0x9E3779B9) ^ (h >>> 16);
    }
}
