// Tiled matrix-matrix product for prompt processing: y[t, row_offset + r] = sum_c W[r, c] * x[t, c] for the
// r < rows of one weight chunk and t < tokens. The including kernel supplies the weight's bindings, x, y and
// dequant4(row, v): weights 4v .. 4v+3 of buffer row `row` (w_row0 applied) as f32.
// A workgroup of 16 x 16 threads computes a tile of 64 tokens x 64 rows; thread (tx, ty) holds a 4 x 4 register
// block: tokens ty + 16i, rows tx + 16j (strided, so the 16 tx of a warp read 16 different staged rows and write
// 16 adjacent floats of y). K goes in steps of 32 values (one Q4_0/Q8_0 block, an eighth of a K-quant block):
// each step stages the 64 x 32 activations (f32) and the 64 x 32 dequantized weights in workgroup memory, two
// vec4s per thread each, then every thread does 8 x 16 vec4 dot products from them. Staged rows are padded to
// 9 vec4s (144 bytes) so the rows read together start in different banks. Workgroup memory: 2 x 64 x 9 x 16 bytes
// = 18 KiB (under the 32 KiB of lavapipe, 48 KiB of an H100). Grid: (ceil(rows / 64), ceil(tokens / 64)).
// Columns past cols (cols a multiple of 4 but not of 32: F32/F16/BF16) are staged as zeros.
const TM: u32 = 64u;     // tokens per tile
const TN: u32 = 64u;     // weight rows per tile
const KV: u32 = 8u;      // vec4s of K per step (32 values)
const PAD: u32 = 9u;     // vec4s per staged row
const SPAN: u32 = 16u;   // threads per tile side; each handles TM / SPAN tokens and TN / SPAN rows

var<workgroup> xt: array<vec4<f32>, 576>; // TM * PAD: activations, token-major
var<workgroup> wt: array<vec4<f32>, 576>; // TN * PAD: dequantized weights, row-major

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row0 = wg.x * TN;
    let tok0 = wg.y * TM;
    let n4 = p.cols / 4u;
    var acc: array<vec4<f32>, 4>; // acc[i][j]: token tok0 + ty + 16i, row row0 + tx + 16j
    for (var k4 = 0u; k4 < n4; k4 += KV) {
        for (var s = 0u; s < 2u; s++) {
            let idx = li + 256u * s;  // 512 staged vec4s per operand
            let sr = idx / KV;        // staged token / row
            let q = idx % KV;         // vec4 within the step
            let kv = k4 + q;
            var xv = vec4<f32>(0.0);
            if (tok0 + sr < p.tokens && kv < n4) {
                xv = x[(tok0 + sr) * n4 + kv];
            }
            xt[sr * PAD + q] = xv;
            var wv = vec4<f32>(0.0);
            if (row0 + sr < p.rows && kv < n4) {
                wv = dequant4(row0 + sr + p.w_row0, kv);
            }
            wt[sr * PAD + q] = wv;
        }
        workgroupBarrier();
        for (var q = 0u; q < KV; q++) {
            let b0 = wt[lid.x * PAD + q];
            let b1 = wt[(lid.x + SPAN) * PAD + q];
            let b2 = wt[(lid.x + 2u * SPAN) * PAD + q];
            let b3 = wt[(lid.x + 3u * SPAN) * PAD + q];
            for (var i = 0u; i < 4u; i++) {
                let a = xt[(lid.y + i * SPAN) * PAD + q];
                acc[i] += vec4<f32>(dot(a, b0), dot(a, b1), dot(a, b2), dot(a, b3));
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        let t = tok0 + lid.y + i * SPAN;
        if (t < p.tokens) {
            for (var j = 0u; j < 4u; j++) {
                let r = row0 + lid.x + j * SPAN;
                if (r < p.rows) {
                    y[t * p.y_stride + p.row_offset + r] = acc[i][j];
                }
            }
        }
    }
}
