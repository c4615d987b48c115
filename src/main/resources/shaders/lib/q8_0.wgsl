// GGML Q8_0 as stored in GGUF: each row is cols/32 blocks of 34 bytes {f16 d; i8 qs[32]}, value j = qs[j] * d.
// Blocks are only 2-byte aligned: W is bound as array<u32> and read by byte offset.
//#include blocks

const BLOCK_BYTES: u32 = 34u;

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let off = row * (p.cols / 32u) * BLOCK_BYTES + (v / 8u) * BLOCK_BYTES;
    return bytes_i8(load_u32(off + 2u + 4u * (v % 8u))) * half_at(off);
}
