#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option used. */
static inline int tj_git_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}
