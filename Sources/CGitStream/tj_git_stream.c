/* A TCP stream for libgit2 with connect, read and write timeouts (see tj_git_stream.h). */
#include "tj_git_stream.h"

#include <git2.h>
#include <git2/sys/stream.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static atomic_int timeout_ms = 300000;

/* The same layout as libgit2's own git_socket_stream: its SSH transport reads the
   socket descriptor from the stream it gets by that layout. */
typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int fd;
} timeout_stream;

static void net_error(const char *what, const timeout_stream *s, int code) {
    char message[512];
    if (code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT) {
        int ms = atomic_load(&timeout_ms);
        snprintf(message, sizeof message, "%s %s:%s: the remote did not answer for %d.%03d s (the [repo] fetch-timeout setting)",
                 what, s->host, s->port, ms / 1000, ms % 1000);
    } else {
        snprintf(message, sizeof message, "%s %s:%s: %s", what, s->host, s->port, strerror(code));
    }
    git_error_set_str(GIT_ERROR_NET, message);
}

/* connect() bounded by the timeout: non-blocking, then poll for writability. */
static int connect_within(int fd, const struct sockaddr *address, socklen_t length, int ms) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return errno;
    int code = 0;
    if (connect(fd, address, length) < 0) {
        if (errno != EINPROGRESS) return errno;
        struct pollfd pending = { .fd = fd, .events = POLLOUT };
        int ready;
        do { ready = poll(&pending, 1, ms); } while (ready < 0 && errno == EINTR);
        if (ready < 0) return errno;
        if (ready == 0) return ETIMEDOUT;
        socklen_t size = sizeof code;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) < 0) return errno;
        if (code != 0) return code;
    }
    if (fcntl(fd, F_SETFL, flags) < 0) return errno;
    return 0;
}

static int stream_connect(git_stream *stream) {
    timeout_stream *s = (timeout_stream *)stream;
    int ms = atomic_load(&timeout_ms);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *found = NULL;
    int resolved = getaddrinfo(s->host, s->port, &hints, &found);
    if (resolved != 0) {
        char message[512];
        snprintf(message, sizeof message, "resolve %s: %s", s->host, gai_strerror(resolved));
        git_error_set_str(GIT_ERROR_NET, message);
        return -1;
    }
    int code = ECONNREFUSED;
    for (struct addrinfo *candidate = found; candidate != NULL; candidate = candidate->ai_next) {
        int fd = socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
        if (fd < 0) {
            code = errno;
            continue;
        }
        code = connect_within(fd, candidate->ai_addr, candidate->ai_addrlen, ms);
        if (code == 0) {
            struct timeval limit = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
            s->fd = fd;
            break;
        }
        close(fd);
    }
    freeaddrinfo(found);
    if (s->fd < 0) {
        net_error("connect to", s, code);
        return -1;
    }
    return 0;
}

static ssize_t stream_read(git_stream *stream, void *data, size_t length) {
    timeout_stream *s = (timeout_stream *)stream;
    ssize_t count;
    do { count = recv(s->fd, data, length, 0); } while (count < 0 && errno == EINTR);
    if (count < 0) {
        net_error("read from", s, errno);
        return -1;
    }
    return count;
}

static ssize_t stream_write(git_stream *stream, const char *data, size_t length, int flags) {
    (void)flags;
    timeout_stream *s = (timeout_stream *)stream;
    ssize_t count;
    do { count = send(s->fd, data, length, MSG_NOSIGNAL); } while (count < 0 && errno == EINTR);
    if (count < 0) {
        net_error("write to", s, errno);
        return -1;
    }
    return count;
}

static int stream_close(git_stream *stream) {
    timeout_stream *s = (timeout_stream *)stream;
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    return 0;
}

static void stream_free(git_stream *stream) {
    timeout_stream *s = (timeout_stream *)stream;
    if (s->fd >= 0) close(s->fd);
    free(s->host);
    free(s->port);
    free(s);
}

static int stream_init(git_stream **out, const char *host, const char *port) {
    timeout_stream *s = calloc(1, sizeof *s);
    if (s == NULL) return -1;
    s->host = strdup(host);
    s->port = strdup(port);
    s->fd = -1;
    if (s->host == NULL || s->port == NULL) {
        stream_free(&s->parent);
        return -1;
    }
    s->parent.version = GIT_STREAM_VERSION;
    s->parent.connect = stream_connect;
    s->parent.read = stream_read;
    s->parent.write = stream_write;
    s->parent.close = stream_close;
    s->parent.free = stream_free;
    *out = &s->parent;
    return 0;
}

int tj_git_register_timeout_stream(int ms) {
    atomic_store(&timeout_ms, ms > 0 ? ms : 1);
    git_stream_registration registration;
    memset(&registration, 0, sizeof registration);
    registration.version = GIT_STREAM_VERSION;
    registration.init = stream_init;
    return git_stream_register(GIT_STREAM_STANDARD, &registration);
}
