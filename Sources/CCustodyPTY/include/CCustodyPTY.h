#ifndef CCUSTODY_PTY_H
#define CCUSTODY_PTY_H

#include <sys/types.h>

/// Opens a pseudo-terminal of cols x rows and starts `path` with `argv`/`envp` on its slave side
/// as the leader of a new session whose controlling terminal is the slave.
///
/// Uses fork + setsid + ioctl(TIOCSCTTY) + execve rather than posix_spawn: posix_spawn has no
/// portable way to make the slave the controlling terminal. The child only calls
/// async-signal-safe functions between fork and execve. The master is close-on-exec and
/// non-blocking. Returns 0 and fills `master_fd` and `pid`, or -1 with errno set.
int custody_pty_spawn(const char *path, char *const argv[], char *const envp[],
                      const char *cwd, int cols, int rows, int *master_fd, pid_t *pid);

/// Sets the window size of the terminal behind `master_fd`. Returns 0 or -1 with errno set.
int custody_pty_resize(int master_fd, int cols, int rows);

/// Reports the terminal's state: `*foreground` receives the foreground process group (or -1),
/// `*canonical` and `*echo` the ICANON and ECHO local modes. Returns 0 or -1 with errno set.
int custody_pty_state(int master_fd, pid_t *foreground, int *canonical, int *echo);

/// Non-blocking wait: returns 1 and the raw wait status when `pid` has exited, 0 when it is
/// still running, -1 on error (for example ECHILD when it was already reaped).
int custody_pty_reap(pid_t pid, int *status);

/// Sends `sig` to the process group led by `pid` (kill(-pid, sig)). Returns 0 or -1.
int custody_pty_signal_group(pid_t pid, int sig);

#endif
