#ifndef EMIMPUTE_BENCH_CBENCHCSV_SHIM_H
#define EMIMPUTE_BENCH_CBENCHCSV_SHIM_H
/* libcsv: csv_init, csv_parse, csv_fini, csv_free. */
#include <csv.h>
#endif
