// Setup-time number theory on FLINT 2.9.
#include <flint/flint.h>
#include <flint/ulong_extras.h>
#include "cshims.h"

uint64_t hef_primitive_root(uint64_t q) {
    // FLINT 2.9's n_primitive_root_prime returns non-generators for some large primes
    // (e.g. 2 for q = 1152921504606748673, where 2 is a square), so search here, on
    // FLINT's factorisation of q - 1: the least g with g^((q-1)/f) != 1 for every prime f.
    if (q == 2) return 1;
    n_factor_t factors;
    n_factor_init(&factors);
    n_factor(&factors, q - 1, 1);
    const ulong qinv = n_preinvert_limb(q);
    for (ulong g = 2; g < q; g++) {
        int generator = 1;
        for (int i = 0; i < factors.num && generator; i++) {
            generator = n_powmod2_ui_preinv(g, (q - 1) / factors.p[i], q, qinv) != 1;
        }
        if (generator) return g;
    }
    return 0;
}
