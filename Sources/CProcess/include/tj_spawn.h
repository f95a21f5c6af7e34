#ifndef TJ_SPAWN_H
#define TJ_SPAWN_H
#include <sys/types.h>

/* Starts `path` with `argv` and `envp` in directory `dir`, as the leader of a new
   process group, with stdin from /dev/null and stdout/stderr on the given fds;
   every other descriptor is closed in the child.
   Returns 0 and the child's pid, or an errno value. */
int tj_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
             int stdout_fd, int stderr_fd, pid_t *pid);

/* pipe2(fds, O_CLOEXEC): the read and write ends are not inherited by children. */
int tj_pipe_cloexec(int fds[2]);

/* prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented to this
   process instead of init, so it can find, kill and reap them. 0 or an errno value. */
int tj_become_subreaper(void);

/* waitpid(pid, WNOHANG) for one given child: 1 when it was reaped now. */
int tj_reap_if_exited(pid_t pid);

#endif
