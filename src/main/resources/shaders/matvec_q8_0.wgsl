// y[row_offset + r] = sum_c W[r, c] * x[c] with W in GGML Q8_0 exactly as stored in GGUF: each row is cols/32
// blocks of 34 bytes {f16 d; i8 qs[32]}, value j = qs[j] * d. Blocks are only 2-byte aligned: W is bound as
// array<u32> and read by byte offset. Same tiling as matvec_q4_0 (8 rows x 32 lanes, x in workgroup memory).
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
const TILE: u32 = 1024u;
const BLOCK_BYTES: u32 = 34u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

// Four signed bytes of q, lowest first, sign-extended by an arithmetic right shift.
fn bytes_i8(q: u32) -> vec4<f32> {
    let v = vec4<i32>(bitcast<i32>(q << 24u), bitcast<i32>(q << 16u), bitcast<i32>(q << 8u), bitcast<i32>(q));
    return vec4<f32>(v >> vec4<u32>(24u));
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
                // The block's 34 bytes lie in 9 words from word off / 4 (see matvec_q4_0).
                let i0 = off >> 2u;
                let odd = (off & 2u) != 0u;
                var prev = w[i0];
                let dw = unpack2x16float(prev);
                let d = select(dw.x, dw.y, odd);
                let v = b * 8u;
                var s = 0.0;
                for (var k = 0u; k < 8u; k++) {
                    let next = w[i0 + 1u + k];
                    s += dot(bytes_i8(select((prev >> 16u) | (next << 16u), next, odd)), xs[v + k]);
                    prev = next;
                }
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
