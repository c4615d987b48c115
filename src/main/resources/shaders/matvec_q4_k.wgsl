// y[row_offset + r] = sum_c W[r, c] * x[c] with W in GGML Q4_K exactly as stored in GGUF: each row is cols/256
// blocks of 144 bytes {f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}. Sub-block j (32 values) has a 6-bit scale
// sc_j and min m_j packed in scales[12] (docs/formats.md); chunk c (64 values, c = 0..3) uses qs[32c .. 32c+31]:
// value 64c + l = d * sc_{2c} * (qs[32c+l] & 0xF) - dmin * m_{2c}, value 64c + 32 + l uses the high nibble and
// sub-block 2c+1. Blocks are 4-byte aligned (144 = 36 words), so W is read as array<u32> directly.
// A work item is one 64-value chunk: its dot is d*sc*sum(x*q) - dmin*m*sum(x) per sub-block.
// Same tiling as matvec_q4_0 (8 rows x 32 lanes, x in workgroup memory, tiles of 4096 values = 16 blocks).
// cols must be a multiple of 256. Bindings: params, W chunk bytes, x [tokens, cols], y [tokens, y_stride].
struct Params {
    rows: u32,
    cols: u32,
    row_offset: u32,
    y_stride: u32,    // floats per row of y: token t writes y[t * y_stride + row_offset + r]
    w_row0: u32,      // first row of the chunk buffer to use (one expert's rows of a stacked weight)
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const ROWS: u32 = 8u;
const LANES: u32 = 32u;
const TILE: u32 = 1024u;         // vec4s of x per tile
const BLOCK_WORDS: u32 = 36u;    // 144 bytes

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

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

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1): tokens sharing rows run together (L2 reuse)
    let row_words = (p.cols / 256u) * BLOCK_WORDS;
    var acc = 0.0;
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            let items = count / 16u;       // 64-value chunks in this tile
            let first_block = base / 64u;  // 64 vec4s per block
            for (var it = lane; it < items; it += LANES) {
                let blk = first_block + it / 4u;
                let c = it % 4u;
                let b = (r + p.w_row0) * row_words + blk * BLOCK_WORDS;
                let dd = unpack2x16float(w[b]); // (d, dmin)
                let lo = scale_min(b, 2u * c);
                let hi = scale_min(b, 2u * c + 1u);
                let v = it * 16u;               // first vec4 of the chunk in xs
                var s_lo = 0.0;
                var s_hi = 0.0;
                var x_lo = vec4<f32>(0.0);
                var x_hi = vec4<f32>(0.0);
                for (var k = 0u; k < 8u; k++) {
                    let q = w[b + 4u + 8u * c + k];  // qs start at byte 16 = word 4
                    let ql = vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu));
                    let qh = vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu));
                    let a = xs[v + k];
                    let e = xs[v + 8u + k];
                    s_lo += dot(ql, a);
                    s_hi += dot(qh, e);
                    x_lo += a;
                    x_hi += e;
                }
                let sx_lo = x_lo.x + x_lo.y + x_lo.z + x_lo.w;
                let sx_hi = x_hi.x + x_hi.y + x_hi.z + x_hi.w;
                acc += dd.x * (lo.x * s_lo + hi.x * s_hi) - dd.y * (lo.y * sx_lo + hi.y * sx_hi);
            }
        }
        workgroupBarrier();
    }
    partial[li] = acc;
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s >>= 1u) {
        if (lane < s) {
            partial[li] += partial[li + s];
        }
        workgroupBarrier();
    }
    if (lane == 0u && r < p.rows) {
        y[wg.x * p.y_stride + p.row_offset + r] = partial[li];
    }
}
