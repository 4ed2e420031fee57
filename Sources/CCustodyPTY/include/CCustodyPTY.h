#ifndef CCUSTODYPTY_H
#define CCUSTODYPTY_H
#include <sys/types.h>

/// Placeholder until the escort gateway lands: returns 0.
int custody_pty_version(void);

#endif
