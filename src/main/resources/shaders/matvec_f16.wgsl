// y = W x for F16 weights, one token per workgroup column (decode; lib/matvec.wgsl).
//#include params
//#include f16
//#include matvec_dense
//#include matvec
