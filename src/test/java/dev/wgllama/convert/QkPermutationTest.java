package dev.wgllama.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QkPermutationTest {
    @Test
    void interleavesHalvesPerHead() {
        // 2 heads of 4 rows: head rows (a0 a1 | b0 b1) -> (a0 b0 a1 b1), i.e. pairs (x[i], x[i+2]) become adjacent.
        assertArrayEquals(new int[] {0, 2, 1, 3, 4, 6, 5, 7}, QkPermutation.sourceRows(2, 4));
    }

    @Test
    void isAPermutation() {
        int[] src = QkPermutation.sourceRows(3, 64);
        boolean[] seen = new boolean[src.length];
        for (int s : src) {
            seen[s] = true;
        }
        for (boolean b : seen) {
            org.junit.jupiter.api.Assertions.assertTrue(b);
        }
    }

    @Test
    void rejectsOddHeadDim() {
        assertThrows(IllegalArgumentException.class, () -> QkPermutation.sourceRows(1, 5));
    }
}
