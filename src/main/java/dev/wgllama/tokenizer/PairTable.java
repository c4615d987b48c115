package dev.wgllama.tokenizer;

/**
 * Open-addressing map from a token pair (left id, right id) to its merge (rank, merged id), without boxing:
 * byte-level BPE looks a pair up for every candidate merge.
 */
final class PairTable {
    private final long[] keys;
    private final long[] values;
    private final int mask;

    PairTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1; // load factor <= 0.5
        keys = new long[cap];
        values = new long[cap];
        mask = cap - 1;
        java.util.Arrays.fill(keys, -1L);
    }

    private static long key(int left, int right) {
        return (long) left << 32 | (right & 0xffffffffL);
    }

    private int slot(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 33) & mask;
    }

    /** Records a merge unless the pair already has one (the first, lowest rank wins, as in HF). */
    void putIfAbsent(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = (long) rank << 32 | (merged & 0xffffffffL);
    }

    /** (rank &lt;&lt; 32 | merged id) of the pair, or -1 if the pair does not merge. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != -1L) {
            if (keys[i] == k) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1L;
    }
}
