package dev.wgllama.tokenizer;

import java.util.Arrays;

/** A binary min-heap of primitive longs: the merge agenda of both BPE flavours (key = priority, then position). */
final class LongHeap {
    private long[] a = new long[16];
    private int n;

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        int i = n++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (a[p] <= v) {
                break;
            }
            a[i] = a[p];
            i = p;
        }
        a[i] = v;
    }

    boolean isEmpty() {
        return n == 0;
    }

    long poll() {
        long top = a[0];
        long v = a[--n];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && a[c + 1] < a[c]) {
                c++;
            }
            if (a[c] >= v) {
                break;
            }
            a[i] = a[c];
            i = c;
        }
        if (n > 0) {
            a[i] = v;
        }
        return top;
    }
}
