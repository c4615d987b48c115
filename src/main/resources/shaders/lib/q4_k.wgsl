// GGML Q4_K as stored in GGUF: each row is cols/256 blocks of 144 bytes {f16 d; f16 dmin; u8 scales[12];
// u8 qs[128]}. Sub-block j (32 values) has a 6-bit scale sc_j and min m_j packed in scales[12]
// (docs/formats.md); chunk c (64 values, c = 0..3) uses qs[32c .. 32c+31]: value 64c + l =
// d * sc_{2c} * (qs[32c+l] & 0xF) - dmin * m_{2c}, value 64c + 32 + l uses the high nibble and sub-block 2c+1.
// Blocks are 4-byte aligned (36 words).
//#include blocks

const BLOCK_WORDS: u32 = 36u;

// Byte i of the 12 packed scale bytes of the block starting at word b.
fn scale_byte(b: u32, i: u32) -> u32 {
    return (w[b + 1u + i / 4u] >> (8u * (i % 4u))) & 0xFFu;
}

// (scale, min) of sub-block j (0..7), 6 bits each.
fn scale_min(b: u32, j: u32) -> vec2<f32> {
    if (j < 4u) {
        return vec2<f32>(f32(scale_byte(b, j) & 63u), f32(scale_byte(b, j + 4u) & 63u));
    }
    let sc = (scale_byte(b, j + 4u) & 0xFu) | ((scale_byte(b, j - 4u) >> 6u) << 4u);
    let mn = (scale_byte(b, j + 4u) >> 4u) | ((scale_byte(b, j) >> 6u) << 4u);
    return vec2<f32>(f32(sc), f32(mn));
}

// Weights 4v .. 4v+3 of buffer row `row`: in block v / 64, vec4 u = v % 64 is in chunk c = u / 16, high
// nibbles for its second 32 values, quant word 8c + u % 8.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let b = row * (p.cols / 256u) * BLOCK_WORDS + (v / 64u) * BLOCK_WORDS;
    let u = v % 64u;
    let c = u / 16u;
    let high = (u % 16u) >= 8u;
    let q = w[b + 4u + 8u * c + u % 8u]; // qs start at byte 16 = word 4
    let dd = unpack2x16float(w[b]);     // (d, dmin)
    let sm = scale_min(b, 2u * c + select(0u, 1u, high));
    return select(nibbles_lo(q), nibbles_hi(q), high) * (dd.x * sm.x) - vec4<f32>(dd.y * sm.y);
}
