#ifndef TJ_SPAWN_H
#define TJ_SPAWN_H
#include <sys/types.h>

/* Starts `path` with `argv` and `envp` in directory `dir`, as the leader of a new
   process group, with stdin from /dev/null and stdout/stderr on the given fds.
   Returns 0 and the child's pid, or an errno value. */
int tj_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
             int stdout_fd, int stderr_fd, pid_t *pid);

/* pipe2(fds, O_CLOEXEC): the read and write ends are not inherited by children. */
int tj_pipe_cloexec(int fds[2]);

#endif
