#ifndef HEF_NTL_REFERENCE_H
#define HEF_NTL_REFERENCE_H
#include <stdint.h>
#endif
