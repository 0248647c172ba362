// cblas.h is the alternative-managed header: OpenBLAS's when libopenblas-dev is
// installed (Cluster/bootstrap installs it), the reference one otherwise. Only
// the cblas_* calls common to both are used. CBLAS lives inside libblas.so on
// Debian (there is no libcblas); libblas.so.3 resolves to OpenBLAS at run time.
#include <cblas.h>
#include <lapacke.h>
