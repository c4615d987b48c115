// GGML Q4_0 as stored in GGUF: each row is cols/32 blocks of 18 bytes {f16 d; u8 qs[16]}; value j of a block is
// ((qs[j] & 0xF) - 8) * d for j < 16 and ((qs[j-16] >> 4) - 8) * d otherwise. Blocks are only 2-byte aligned,
// so W is bound as array<u32> and read by byte offset (the host pads the chunk to 4 bytes).
//#include blocks

const BLOCK_BYTES: u32 = 18u;

// Weights 4v .. 4v+3 of buffer row `row`: quant word v % 4 of block v / 8, low nibbles for the block's first
// 16 values, high for the rest.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let off = row * (p.cols / 32u) * BLOCK_BYTES + (v / 8u) * BLOCK_BYTES;
    let u = v % 8u;
    let q = load_u32(off + 2u + 4u * (u % 4u));
    let n = select(nibbles_lo(q), nibbles_hi(q), u >= 4u);
    return (n - vec4<f32>(8.0)) * half_at(off);
}
