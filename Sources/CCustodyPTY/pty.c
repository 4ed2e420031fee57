#include "CCustodyPTY.h"

int custody_pty_version(void) { return 0; }
