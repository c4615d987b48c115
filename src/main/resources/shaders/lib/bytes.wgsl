// Reading GGUF blocks that are only 2-byte aligned (Q4_0: 18 bytes, Q8_0: 34, Q6_K: 210) through array<u32> w.

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

// Four signed bytes of q, lowest first, sign-extended by an arithmetic right shift.
fn bytes_i8(q: u32) -> vec4<f32> {
    let v = vec4<i32>(bitcast<i32>(q << 24u), bitcast<i32>(q << 16u), bitcast<i32>(q << 8u), bitcast<i32>(q));
    return vec4<f32>(v >> vec4<u32>(24u));
}

// The four low nibbles (values 0..3 of a GGML 4-bit word) and the four high nibbles (values 16..19).
fn nibbles_lo(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu));
}

fn nibbles_hi(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu));
}
