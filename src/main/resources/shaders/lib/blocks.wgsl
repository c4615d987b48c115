// GGML block formats (Q4_0, Q4_1, Q8_0, Q4_K, Q6_K): the chunk's block bytes bound as array<u32> (blocks are only
// 2-byte aligned in Q4_0: 18 bytes, Q8_0: 34, Q6_K: 210; the host pads the chunk to 4 bytes), and helpers that
// read them by byte offset. Bindings: params, W chunk bytes, x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> w: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
//#include unpack

// The 4 bytes at byte offset b (b even).
fn load_u32(b: u32) -> u32 {
    let i = b >> 2u;
    if ((b & 2u) == 0u) {
        return w[i];
    }
    return (w[i] >> 16u) | (w[i + 1u] << 16u);
}

// The f16 at byte offset b (b even), as f32 (unpack2x16float: no shader-f16 needed).
fn half_at(b: u32) -> f32 {
    let h = unpack2x16float(w[b >> 2u]);
    return select(h.x, h.y, (b & 2u) != 0u);
}
