#ifndef EMIMPUTE_BENCH_CBENCHBLAS_SHIM_H
#define EMIMPUTE_BENCH_CBENCHBLAS_SHIM_H
/* OpenBLAS's cblas.h declares cblas_dsyrk, openblas_set_num_threads and openblas_get_config. */
#include <cblas.h>
#endif
