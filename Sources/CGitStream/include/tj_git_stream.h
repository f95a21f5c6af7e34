#ifndef TJ_GIT_STREAM_H
#define TJ_GIT_STREAM_H

/* Registers, for every libgit2 network connection (plain, and under TLS and SSH), a TCP
   stream like libgit2's own but with a timeout: connecting, and each read or write,
   fail with a libgit2 network error after `timeout_ms` milliseconds without progress.
   libgit2 1.5 has no timeout of its own, so a remote that accepts the connection and
   says nothing stalled a fetch forever. Call again to change the timeout.
   Returns 0, or libgit2's error code. */
int tj_git_register_timeout_stream(int timeout_ms);

#endif
