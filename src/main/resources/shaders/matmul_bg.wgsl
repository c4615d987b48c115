// Y = X W^T for block-group weights, 64 tokens x 64 rows per workgroup (prompt processing; lib/matmul_tiled.wgsl).
//#include params
//#include bg
//#include matmul_tiled
