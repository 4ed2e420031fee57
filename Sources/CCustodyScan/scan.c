// Newline search for the in-process merge proof, which cuts hundreds of megabytes of blobs
// into lines on a long history: sixteen bytes at a time with SSE2 (part of every x86-64),
// else a byte at a time. A `memchr` call per line cost more than the search on source lines of
// thirty bytes.
#include "CCustodyScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

size_t custody_count_newlines(const unsigned char *bytes, size_t count) {
    size_t found = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 16 <= count; i += 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline));
        found += (size_t)__builtin_popcount(mask);
    }
#endif
    for (; i < count; i++) found += bytes[i] == '\n';
    return found;
}

size_t custody_newline_ends(const unsigned char *bytes, size_t count, ptrdiff_t *out) {
    size_t written = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    for (; i + 16 <= count; i += 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline));
        while (mask != 0) {
            out[written++] = (ptrdiff_t)(i + (size_t)__builtin_ctz(mask) + 1);
            mask &= mask - 1;
        }
    }
#endif
    for (; i < count; i++) {
        if (bytes[i] == '\n') out[written++] = (ptrdiff_t)(i + 1);
    }
    return written;
}
