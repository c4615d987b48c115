package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.RopeTable;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.model.Rope;

/** Inverse frequencies in a GPU buffer (one f32 per rotary pair) and the pair layout. */
record GpuRopeTable(Buffer invFreq, int rotaryDim, Rope.PairLayout layout) implements RopeTable {
}
