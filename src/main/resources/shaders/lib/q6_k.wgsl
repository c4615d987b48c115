// GGML Q6_K as stored in GGUF: each row is cols/256 blocks of 210 bytes {u8 ql[128]; u8 qh[64]; i8 scales[16];
// f16 d}. For each 128-value half h (ql += 64h, qh += 32h, scales += 8h), l in 0..31 and quarter k in 0..3,
// value 128h + 32k + l = d * scales[l/16 + 2k] * (q - 32), q = nibble k/2 of ql[l + 32 (k%2)] | bits 2k..2k+1
// of qh[l] << 4 (docs/formats.md). Blocks are only 2-byte aligned: W is read through array<u32> by byte offset.
//#include blocks

const BLOCK_BYTES: u32 = 210u;

// The signed scale byte at byte offset b.
fn scale_i8(b: u32) -> f32 {
    let word = w[b >> 2u] >> (8u * (b & 3u));
    return f32(bitcast<i32>(word << 24u) >> 24u);
}

// Four 6-bit values (minus 32) from 4 low/high nibbles of ql (shift 0 or 4) and 2-bit fields of qh (shift s).
fn six(ql: u32, nib: u32, qh: u32, s: u32) -> vec4<f32> {
    let lo = vec4<u32>(ql >> nib, ql >> (8u + nib), ql >> (16u + nib), ql >> (24u + nib)) & vec4<u32>(0xFu);
    let hi = vec4<u32>(qh >> s, qh >> (8u + s), qh >> (16u + s), qh >> (24u + s)) & vec4<u32>(3u);
    return vec4<f32>(lo | (hi << vec4<u32>(4u))) - vec4<f32>(32.0);
}

// Weights 4v .. 4v+3 of buffer row `row` (4 consecutive l of one half and quarter share their scale).
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let off = row * (p.cols / 256u) * BLOCK_BYTES + (v / 64u) * BLOCK_BYTES;
    let e = 4u * (v % 64u); // value index in the block
    let h = e / 128u;
    let k = (e % 128u) / 32u;
    let l = e % 32u;
    let ql = load_u32(off + 64u * h + l + 32u * (k % 2u));
    let qh = load_u32(off + 128u + 32u * h + l);
    let sc = scale_i8(off + 192u + 8u * h + l / 16u + 2u * k);
    return six(ql, 4u * (k / 2u), qh, 2u * k) * (half_at(off + 208u) * sc);
}
