#ifndef HEF_CFLINT_SHIM_H
#define HEF_CFLINT_SHIM_H
// FLINT 2.9 and GMP, as Debian ships them (no pkg-config file for FLINT).
#include <gmp.h>
#include <flint/flint.h>
#include <flint/ulong_extras.h>
#include <flint/fmpz.h>
#include <flint/fmpz_vec.h>
#endif
