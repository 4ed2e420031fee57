#define _GNU_SOURCE
#include "CCustodyPTY.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int custody_pty_spawn(const char *path, char *const argv[], char *const envp[],
                      const char *cwd, int cols, int rows, int *master_fd, pid_t *pid) {
    int master = -1, slave = -1;
    struct winsize ws = {0};
    ws.ws_col = (unsigned short)(cols > 0 ? cols : 80);
    ws.ws_row = (unsigned short)(rows > 0 ? rows : 24);
    if (openpty(&master, &slave, NULL, NULL, &ws) != 0) return -1;
    int flags = fcntl(master, F_GETFD);
    if (flags < 0 || fcntl(master, F_SETFD, flags | FD_CLOEXEC) != 0) goto fail;
    int fl = fcntl(master, F_GETFL);
    if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) != 0) goto fail;

    pid_t child = fork();
    if (child < 0) goto fail;
    if (child == 0) {
        /* Child: async-signal-safe calls only. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int s = 1; s < 32; s++) {
            if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
        }
        if (setsid() < 0) _exit(126);
        if (ioctl(slave, TIOCSCTTY, 0) != 0) _exit(126);
        if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) _exit(126);
        if (slave > 2) close(slave);
        close(master);
        if (cwd != NULL && chdir(cwd) != 0) _exit(126);
        execve(path, argv, envp);
        _exit(127);
    }
    close(slave);
    *master_fd = master;
    *pid = child;
    return 0;

fail:;
    int saved = errno;
    if (master >= 0) close(master);
    if (slave >= 0) close(slave);
    errno = saved;
    return -1;
}

int custody_pty_resize(int master_fd, int cols, int rows) {
    struct winsize ws = {0};
    ws.ws_col = (unsigned short)cols;
    ws.ws_row = (unsigned short)rows;
    return ioctl(master_fd, TIOCSWINSZ, &ws);
}

int custody_pty_state(int master_fd, pid_t *foreground, int *canonical, int *echo) {
    struct termios t;
    if (tcgetattr(master_fd, &t) != 0) return -1;
    *canonical = (t.c_lflag & ICANON) ? 1 : 0;
    *echo = (t.c_lflag & ECHO) ? 1 : 0;
    *foreground = tcgetpgrp(master_fd);
    return 0;
}

int custody_pty_reap(pid_t pid, int *status) {
    int st = 0;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r < 0) return -1;
    if (r == 0) return 0;
    *status = st;
    return 1;
}

int custody_pty_signal_group(pid_t pid, int sig) {
    return kill(-pid, sig);
}
