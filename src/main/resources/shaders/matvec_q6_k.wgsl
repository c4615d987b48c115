// y[row_offset + r] = sum_c W[r, c] * x[c] with W in GGML Q6_K exactly as stored in GGUF: each row is cols/256
// blocks of 210 bytes {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}. For each 128-value half h (ql += 64h,
// qh += 32h, scales += 8h) and l in 0..31 (is = l / 16), four 6-bit values minus 32 go to y[l], y[l+32], y[l+64],
// y[l+96] with scales is, is+2, is+4, is+6 (docs/formats.md). Blocks are only 2-byte aligned: W is read through
// array<u32> by byte offset. A work item is (block, half, four consecutive l): one ql word at l, one at l+32, one
// qh word at l, 16 values. Same tiling as matvec_q4_0. cols must be a multiple of 256.
// Bindings: params, W chunk bytes, x [tokens, cols], y [tokens, y_stride].
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
const TILE: u32 = 1024u;
const BLOCK_BYTES: u32 = 210u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

// The 4 bytes at byte offset b (b even).
fn load_u32(b: u32) -> u32 {
    let i = b >> 2u;
    if ((b & 2u) == 0u) {
        return w[i];
    }
    return (w[i] >> 16u) | (w[i + 1u] << 16u);
}

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

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1): tokens sharing rows run together (L2 reuse)
    let row_bytes = (p.cols / 256u) * BLOCK_BYTES;
    var acc = 0.0;
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            let items = count / 4u;        // 16 items per 256-value block (64 vec4s)
            let first_block = base / 64u;
            for (var it = lane; it < items; it += LANES) {
                let blk = first_block + it / 16u;
                let h = (it % 16u) / 8u;
                let l = 4u * (it % 8u);        // 0, 4, ..., 28
                let off = (r + p.w_row0) * row_bytes + blk * BLOCK_BYTES;
                let dw = unpack2x16float(w[(off + 208u) >> 2u]);
                let d = select(dw.x, dw.y, ((off + 208u) & 2u) != 0u);
                let ql0 = load_u32(off + 64u * h + l);
                let ql1 = load_u32(off + 64u * h + l + 32u);
                let qh = load_u32(off + 128u + 32u * h + l);
                let sc = off + 192u + 8u * h + l / 16u;
                let v = (it / 16u) * 64u + h * 32u + l / 4u; // vec4 of y[l] in xs
                let s = scale_i8(sc) * dot(six(ql0, 0u, qh, 0u), xs[v])
                    + scale_i8(sc + 2u) * dot(six(ql1, 0u, qh, 2u), xs[v + 8u])
                    + scale_i8(sc + 4u) * dot(six(ql0, 4u, qh, 4u), xs[v + 16u])
                    + scale_i8(sc + 6u) * dot(six(ql1, 4u, qh, 6u), xs[v + 24u]);
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
