#ifndef HEF_CSHIMS_H
#define HEF_CSHIMS_H
// Hef's C kernels: negacyclic NTT, vector arithmetic mod q, automorphisms, RNS basis
// conversion and CRT composition. Every modulus is a prime q < 2^62; unless stated otherwise
// inputs are in [0, q) and outputs are fully reduced into [0, q).
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Number theory (FLINT)

/// The least primitive root modulo the prime q.
uint64_t hef_primitive_root(uint64_t q);

// MARK: NTT (in place, n = 2^logN words). Table layout as HefRing's NTTTables documents.

void hef_ntt_forward(uint64_t *data, size_t logN, uint64_t q,
                     const uint64_t *rootPowers, const uint64_t *rootPowersShoup);
void hef_ntt_inverse(uint64_t *data, size_t logN, uint64_t q,
                     const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                     uint64_t inverseN, uint64_t inverseNShoup);

// The kernels behind hef_ntt_forward/inverse (and the Shoup vector products), which choose a
// path at run time: "ifma" (AVX-512 with 52-bit IFMA products for q < 2^50, 64-bit AVX-512
// products otherwise), "avx512", "avx2" (n >= 8), or "scalar". By default the best the CPU has;
// the environment variable HEF_SIMD=scalar|avx2|avx512|ifma (read once) asks for a path, and
// gets the best one at or below it that the CPU supports. HEF_NO_AVX512=1 (the older switch)
// means HEF_SIMD=avx2. All paths produce the same words. hef_simd_path returns the name of the
// path in use. Exposed for tests: hef_cpu_has_* say what the CPU supports (not the
// environment); the explicit avx2 / avx512 / avx512ifma entry points run that path whatever
// the environment says, falling back to the best lower one where the CPU (or n: 8 for avx2,
// 16 for avx512) does not allow it; the avx512ifma ones use 64-bit products when q >= 2^50.
const char *hef_simd_path(void);
int hef_cpu_has_avx2(void);
int hef_cpu_has_avx512(void);
int hef_cpu_has_avx512ifma(void);
void hef_ntt_forward_scalar(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *rootPowers, const uint64_t *rootPowersShoup);
void hef_ntt_inverse_scalar(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                            uint64_t inverseN, uint64_t inverseNShoup);
void hef_ntt_forward_avx2(uint64_t *data, size_t logN, uint64_t q,
                          const uint64_t *rootPowers, const uint64_t *rootPowersShoup);
void hef_ntt_inverse_avx2(uint64_t *data, size_t logN, uint64_t q,
                          const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                          uint64_t inverseN, uint64_t inverseNShoup);
void hef_ntt_forward_avx512(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *rootPowers, const uint64_t *rootPowersShoup);
void hef_ntt_inverse_avx512(uint64_t *data, size_t logN, uint64_t q,
                            const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                            uint64_t inverseN, uint64_t inverseNShoup);
void hef_ntt_forward_avx512ifma(uint64_t *data, size_t logN, uint64_t q,
                                const uint64_t *rootPowers, const uint64_t *rootPowersShoup);
void hef_ntt_inverse_avx512ifma(uint64_t *data, size_t logN, uint64_t q,
                                const uint64_t *inverseRootPowers, const uint64_t *inverseRootPowersShoup,
                                uint64_t inverseN, uint64_t inverseNShoup);

// MARK: Vector arithmetic mod q. `barrettHigh:barrettLow` = floor(2^128 / q).

void hef_add(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
void hef_sub(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
void hef_neg(uint64_t *result, const uint64_t *a, size_t count, uint64_t q);
void hef_add_scalar(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q);
void hef_mul(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
             uint64_t q, uint64_t barrettHigh, uint64_t barrettLow);
void hef_mul_add(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                 uint64_t q, uint64_t barrettHigh, uint64_t barrettLow);
void hef_mul_scalar(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q);
void hef_mul_scalar_add(uint64_t *result, const uint64_t *a, uint64_t scalar, size_t count, uint64_t q);
/// hef_mul, hef_mul_add (double-precision FMA products for q < 2^50: AVX2 on the avx2 path,
/// AVX-512 on avx512 and ifma), hef_mul_scalar, hef_mul_scalar_add on a given path (0 scalar, 1 avx2, 2 avx512, 3 ifma),
/// or the best lower one the CPU has; whatever HEF_SIMD says (for tests and benchmarks).
void hef_mul_on_path(int path, uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                     uint64_t q, uint64_t barrettHigh, uint64_t barrettLow);
void hef_mul_add_on_path(int path, uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count,
                         uint64_t q, uint64_t barrettHigh, uint64_t barrettLow);
void hef_mul_scalar_on_path(int path, uint64_t *result, const uint64_t *a, uint64_t scalar,
                            size_t count, uint64_t q);
void hef_mul_scalar_add_on_path(int path, uint64_t *result, const uint64_t *a, uint64_t scalar,
                                size_t count, uint64_t q);
/// result = Σ_t a[t]·b[t] mod q; result must not alias inputs. Any number of terms.
void hef_dot_product(uint64_t *result, const uint64_t *const * a,
                     const uint64_t *const * b,
                     size_t terms, size_t count, uint64_t q, uint64_t barrettHigh, uint64_t barrettLow);
/// Arbitrary 64-bit words to [0, q).
void hef_reduce(uint64_t *result, const uint64_t *a, size_t count, uint64_t q, uint64_t barrettHigh);
void hef_reduce_signed(uint64_t *result, const int64_t *a, size_t count, uint64_t q, uint64_t barrettHigh);

// MARK: Automorphisms

void hef_permute(uint64_t *result, const uint64_t *a, const uint32_t *permutation, size_t count);
/// galoisElement must already be reduced into [0, 2n) and odd; n = count, a power of two.
void hef_automorphism_coefficients(uint64_t *result, const uint64_t *a, uint64_t galoisElement,
                                   size_t count, uint64_t q);

// MARK: RNS basis conversion and CRT

/// Fast basis conversion. inputModuli/qHatInverse/qHatInverseShoup: k entries;
/// outputModuli + barrett constants: m entries; qHatModP: m*k row-major by output.
void hef_convert_basis(uint64_t *output, const uint64_t *input, size_t count,
                       const uint64_t *inputModuli, size_t k,
                       const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                       const uint64_t *outputModuli, const uint64_t *outputBarrettHigh,
                       const uint64_t *outputBarrettLow, size_t m,
                       const uint64_t *qHatModP);

/// hef_convert_basis on `count` coefficients of residue vectors `stride` words apart (a
/// slice of longer vectors: threads convert disjoint slices).
void hef_convert_basis_strided(uint64_t *output, const uint64_t *input, size_t count, size_t stride,
                               const uint64_t *inputModuli, size_t k,
                               const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                               const uint64_t *outputModuli, const uint64_t *outputBarrettHigh,
                               const uint64_t *outputBarrettLow, size_t m,
                               const uint64_t *qHatModP);

/// Exact CRT: output[c*limbCount ..< (c+1)*limbCount] = coefficient c in [0, Q).
void hef_compose_crt(uint64_t *output, const uint64_t *residues, size_t count,
                     const uint64_t *moduli, size_t k,
                     const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                     const uint64_t *qHat, const uint64_t *modulusProduct, size_t limbCount);

/// Centered lift as double (truncated to 53 significant bits toward zero) times factor.
/// barrettHigh: floor(2^64/q_i) for each modulus (the high word of floor(2^128/q_i)).
void hef_compose_centered(double *output, const uint64_t *residues, size_t count,
                          const uint64_t *moduli, const uint64_t *barrettHigh, size_t k,
                          const uint64_t *qHatInverse, const uint64_t *qHatInverseShoup,
                          const uint64_t *qHat, const uint64_t *modulusProduct,
                          const uint64_t *halfProduct, size_t limbCount, double factor);

/// The truncating conversion used by compose_centered: magnitude given as limbs.
double hef_limbs_to_double_truncated(const uint64_t *limbs, size_t limbCount, int negative);

// MARK: Secrets

/// Overwrites byteCount bytes at pointer with zeros through volatile stores (plus a compiler
/// barrier), so the zeroization of a buffer about to be freed is not removed as a dead store.
void hef_secure_zero(void *pointer, size_t byteCount);

/// ChaCha20 (RFC 8439) keystream: blocks counter … counter + blockCount − 1 of the 32-byte key
/// (8 little-endian words) and 96-bit nonce (3 words), 16 words per block, on the run-time
/// kernel path (16 blocks at a time on AVX-512, 8 on AVX2, else one). The caller keeps
/// counter + blockCount ≤ 2^32. `_on_path` forces a path (0 scalar … 3 ifma, capped at the CPU's).
void hef_chacha20_blocks(uint32_t *out, const uint32_t *key, const uint32_t *nonce, uint32_t counter,
                         size_t blockCount);
void hef_chacha20_blocks_on_path(int path, uint32_t *out, const uint32_t *key, const uint32_t *nonce,
                                 uint32_t counter, size_t blockCount);

#ifdef __cplusplus
}
#endif
#endif
