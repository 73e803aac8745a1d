#ifndef EMIMPUTE_COPENBLAS_SHIM_H
#define EMIMPUTE_COPENBLAS_SHIM_H
/* OpenBLAS's cblas.h also declares openblas_set_num_threads, which we use to pin BLAS
   to one thread so that our own row-block parallelism fixes the summation order. */
#include <cblas.h>
#endif
