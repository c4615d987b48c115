// GGML Q4_1 as stored in GGUF: each row is cols/32 blocks of 20 bytes {f16 d; f16 m; u8 qs[16]}; value j of a
// block is (qs[j] & 0xF) * d + m for j < 16 and (qs[j-16] >> 4) * d + m otherwise (Q4_0's nibble order). Blocks
// are 4-byte aligned (5 words).
//#include blocks

const BLOCK_WORDS: u32 = 5u;

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let b = row * (p.cols / 32u) * BLOCK_WORDS + (v / 8u) * BLOCK_WORDS;
    let u = v % 8u;
    let q = w[b + 1u + u % 4u];
    let dm = unpack2x16float(w[b]); // (d, m)
    return select(nibbles_lo(q), nibbles_hi(q), u >= 4u) * dm.x + vec4<f32>(dm.y);
}
