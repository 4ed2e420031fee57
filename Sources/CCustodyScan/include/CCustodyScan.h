#ifndef CCUSTODY_SCAN_H
#define CCUSTODY_SCAN_H

#include <stddef.h>

/// The number of newline bytes (0x0a) in `bytes[0 ..< count]`.
size_t custody_count_newlines(const unsigned char *bytes, size_t count);

/// Writes, in order, the offset just past each newline byte of `bytes[0 ..< count]` to `out`,
/// which must have room for one entry more than ``custody_count_newlines`` gives (the entry past
/// the last one may be written with a value of no meaning); returns how many it wrote.
size_t custody_newline_ends(const unsigned char *bytes, size_t count, ptrdiff_t *out);

#endif
