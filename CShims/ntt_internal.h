#ifndef HEF_CSHIMS_NTT_INTERNAL_H
#define HEF_CSHIMS_NTT_INTERNAL_H
// Internal interface between ntt.c (dispatch), ntt_avx512.c and ntt_avx2.c.
#include <stdint.h>
#include <stddef.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__clang__) || defined(__GNUC__))
#define HEF_HAVE_AVX512_NTT 1
/// n = 2^logN >= 16. useIFMA requires q < 2^50 and a CPU with AVX-512 IFMA.
void hef_ntt_forward_avx512_impl(uint64_t *a, size_t logN, uint64_t q,
                                 const uint64_t *w, const uint64_t *ws, int useIFMA);
void hef_ntt_inverse_avx512_impl(uint64_t *a, size_t logN, uint64_t q,
                                 const uint64_t *w, const uint64_t *ws,
                                 uint64_t inverseN, uint64_t inverseNShoup, int useIFMA);
/// out[i] = w·in[i] mod q for in[i] < q (Shoup; 52-bit IFMA products when useIFMA, q < 2^50).
/// out may equal in.
void hef_mul_shoup_avx512_impl(uint64_t *out, const uint64_t *in, size_t count,
                               uint64_t w, uint64_t ws, uint64_t q, int useIFMA);
/// out[i] = (out[i] + w·in[i]) mod q for in[i], out[i] < q; out may equal in.
void hef_mul_shoup_add_avx512_impl(uint64_t *out, const uint64_t *in, size_t count,
                                   uint64_t w, uint64_t ws, uint64_t q, int useIFMA);
/// Σ_t a[t]·b[t] mod q with IFMA products: needs q < 2^52, terms ≤ 4096, count % 8 == 0,
/// and a CPU with AVX-512 IFMA.
void hef_dot_product_ifma_impl(uint64_t *result, const uint64_t *const *a, const uint64_t *const *b,
                               size_t terms, size_t count, uint64_t q, uint64_t mh);
/// n = 2^logN >= 8; any q < 2^62; a CPU with AVX2.
void hef_ntt_forward_avx2_impl(uint64_t *a, size_t logN, uint64_t q,
                               const uint64_t *w, const uint64_t *ws);
void hef_ntt_inverse_avx2_impl(uint64_t *a, size_t logN, uint64_t q,
                               const uint64_t *w, const uint64_t *ws,
                               uint64_t inverseN, uint64_t inverseNShoup);
/// out[i] = w·in[i] mod q (AVX2 Shoup); out may equal in.
void hef_mul_shoup_avx2_impl(uint64_t *out, const uint64_t *in, size_t count,
                             uint64_t w, uint64_t ws, uint64_t q);
/// out[i] = (out[i] + w·in[i]) mod q (AVX2 Shoup); out may equal in.
void hef_mul_shoup_add_avx2_impl(uint64_t *out, const uint64_t *in, size_t count,
                                 uint64_t w, uint64_t ws, uint64_t q);
/// result[i] = a[i]·b[i] mod q, and result[i] += a[i]·b[i] mod q, in double precision with
/// FMA (vector_avx2.c): q < 2^50, inputs below q, a CPU with AVX2 and FMA.
void hef_mul_fma_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
void hef_mul_add_fma_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
/// The same on 8 lanes (vector_avx512.c): a CPU with AVX-512 F and DQ.
void hef_mul_fma512_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
void hef_mul_add_fma512_impl(uint64_t *result, const uint64_t *a, const uint64_t *b, size_t count, uint64_t q);
#else
#define HEF_HAVE_AVX512_NTT 0
#endif

/// The path in use (0 scalar, 1 avx2, 2 avx512, 3 avx512 + IFMA): the CPU's best, capped by
/// HEF_SIMD / HEF_NO_AVX512 (read once).
int hef_simd_level(void);
/// The level for an explicit path request (0...3): the path, or the best lower one the CPU has.
int hef_path_level(int path);

/// out[i] = w·in[i] mod q for in[i] < q, ws = Shoup companion of w; out may equal in.
/// AVX-512 when available (dispatch in ntt.c), else scalar.
void hef_mul_shoup_vector(uint64_t *out, const uint64_t *in, size_t count,
                          uint64_t w, uint64_t ws, uint64_t q);
/// out[i] = (out[i] + w·in[i]) mod q for in[i], out[i] < q; out may equal in.
void hef_mul_shoup_add_vector(uint64_t *out, const uint64_t *in, size_t count,
                              uint64_t w, uint64_t ws, uint64_t q);

#endif
