// y[row_offset + r] = sum_c W[r, c] * x[c] with W in GGML Q4_1 exactly as stored in GGUF: each row is cols/32
// blocks of 20 bytes {f16 d; f16 m; u8 qs[16]}, value j of a block = (qs[j] & 0xF) * d + m for j < 16 and
// (qs[j-16] >> 4) * d + m otherwise (same nibble order as Q4_0), so a block's dot is d * sum(q x) + m * sum(x).
// Blocks are 4-byte aligned (20 bytes = 5 words).
// Workgroup of 256 = 8 rows x 32 lanes; x staged in workgroup memory in tiles of 4096 values (128 blocks).
// cols must be a multiple of 32. Bindings: params, W chunk bytes, x [tokens, cols],
// y [tokens, y_stride].
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
const TILE: u32 = 1024u;     // vec4s of x per tile
const BLOCK_WORDS: u32 = 5u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

fn nibbles_lo(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu));
}

fn nibbles_hi(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1): tokens sharing rows run together (L2 reuse)
    let row_words = (p.cols / 32u) * BLOCK_WORDS;
    var acc = 0.0;
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            let blocks = count / 8u;
            let first_block = base / 8u;
            for (var b = lane; b < blocks; b += LANES) {
                let b0 = (r + p.w_row0) * row_words + (first_block + b) * BLOCK_WORDS;
                let dm = unpack2x16float(w[b0]); // (d, m)
                let v = b * 8u;
                var s = 0.0;
                var sx = vec4<f32>(0.0);
                for (var k = 0u; k < 4u; k++) {
                    let q = w[b0 + 1u + k];
                    s += dot(nibbles_lo(q), xs[v + k]) + dot(nibbles_hi(q), xs[v + 4u + k]);
                    sx += xs[v + k] + xs[v + 4u + k];
                }
                acc += dm.x * s + dm.y * (sx.x + sx.y + sx.z + sx.w);
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
