// y[row_offset + r] = sum_c W[r, c] * x[c] with W in GGML Q4_0 exactly as stored in GGUF: each row is cols/32
// blocks of 18 bytes {f16 d; u8 qs[16]}, value j of a block = ((qs[j] & 0xF) - 8) * d for j < 16 and
// ((qs[j-16] >> 4) - 8) * d otherwise. Blocks are only 2-byte aligned, so W is bound as array<u32>: a lane loads
// the 5 words holding its block and shifts the quants into place. The host pads the chunk to 4 bytes.
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
const BLOCK_BYTES: u32 = 18u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

fn nibbles_lo(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu)) - vec4<f32>(8.0);
}

fn nibbles_hi(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu)) - vec4<f32>(8.0);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1): tokens sharing rows run together (L2 reuse)
    let row_bytes = (p.cols / 32u) * BLOCK_BYTES;
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
                let off = (r + p.w_row0) * row_bytes + (first_block + b) * BLOCK_BYTES;
                // The block's 18 bytes lie in 5 words from word off / 4: d is the low half of the first word
                // (even block start) or its high half (start 2 mod 4, and then qs are word-aligned).
                let i0 = off >> 2u;
                let odd = (off & 2u) != 0u;
                let a0 = w[i0];
                let a1 = w[i0 + 1u];
                let a2 = w[i0 + 2u];
                let a3 = w[i0 + 3u];
                let a4 = w[i0 + 4u];
                let dw = unpack2x16float(a0);
                let d = select(dw.x, dw.y, odd);
                let q0 = select((a0 >> 16u) | (a1 << 16u), a1, odd);
                let q1 = select((a1 >> 16u) | (a2 << 16u), a2, odd);
                let q2 = select((a2 >> 16u) | (a3 << 16u), a3, odd);
                let q3 = select((a3 >> 16u) | (a4 << 16u), a4, odd);
                let v = b * 8u;
                let s = dot(nibbles_lo(q0), xs[v]) + dot(nibbles_hi(q0), xs[v + 4u])
                    + dot(nibbles_lo(q1), xs[v + 1u]) + dot(nibbles_hi(q1), xs[v + 5u])
                    + dot(nibbles_lo(q2), xs[v + 2u]) + dot(nibbles_hi(q2), xs[v + 6u])
                    + dot(nibbles_lo(q3), xs[v + 3u]) + dot(nibbles_hi(q3), xs[v + 7u]);
                acc += d * s;
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
