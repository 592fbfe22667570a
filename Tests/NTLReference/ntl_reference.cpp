#include "ntl_reference.h"
