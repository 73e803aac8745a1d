#ifndef EMIMPUTE_CLIBCSV_SHIM_H
#define EMIMPUTE_CLIBCSV_SHIM_H
#include <csv.h>
#endif
