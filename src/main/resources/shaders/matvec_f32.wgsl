// y = W x for F32 weights, one token per workgroup column (decode; lib/matvec.wgsl).
//#include params
//#include f32
//#include matvec_dense
//#include matvec
