// Launch parameters of the matvec and tiled matmul kernels (MatVec.words), binding 0 of both.
struct Params {
    rows: u32,        // weight rows in this launch (a chunk, or one expert's part of it)
    cols: u32,        // values per row (K)
    row_offset: u32,  // index in y of the launch's first row
    y_stride: u32,    // floats per row of y: token t writes y[t * y_stride + row_offset + r]
    w_row0: u32,      // first row of the chunk buffers to use (one expert's rows of a stacked weight)
    group: u32,       // block-group weights: values per f16 scale (G)
    block: u32,       // block-group weights: values per zero point (B)
    mode: u32,        // block-group weights: 0 q4_0 (z = 8), 1 q4_1 (zero points), 2 q8_0 (signed 8-bit)
    tokens: u32,      // tiled matmul: rows of x (the matvec takes them from the grid)
    k_span: u32,      // tiled matmul: vec4s of K per slice (workgroup z), a multiple of 8
    z_stride: u32,    // tiled matmul: floats of y between the partial results of slices (0: not split)
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
