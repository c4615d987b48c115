package dev.wgllama.backend;

import dev.wgllama.model.Rope;

/**
 * Rotary embedding constants made once by {@link Backend#ropeTable}: the inverse frequencies (radians per position,
 * one per rotary pair) and which elements pair up. A GPU backend keeps the frequencies in a buffer.
 */
public interface RopeTable {
    /** Rotated elements at the start of each head: 2 * number of frequencies. */
    int rotaryDim();

    Rope.PairLayout layout();
}
