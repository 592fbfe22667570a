#ifndef HEF_CSHIMS_H
#define HEF_CSHIMS_H
#include <stdint.h>
#include <stddef.h>
#endif
