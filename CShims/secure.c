// Zeroizing memory that holds secrets, in a way the optimizer cannot drop as a dead store.
#include "cshims.h"

void hef_secure_zero(void *pointer, size_t byteCount) {
    if (pointer == NULL || byteCount == 0) return;
    // Stores through a volatile pointer are observable behaviour: the compiler must emit each.
    volatile unsigned char *p = (volatile unsigned char *)pointer;
    for (size_t i = 0; i < byteCount; i++) p[i] = 0;
    // And a compiler barrier that claims to read the memory, for good measure.
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(pointer) : "memory");
#endif
}
