#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option used. */
static inline int tj_git_enable_caching(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}

/* How much of a pack file libgit2 maps at once (`window`), and in all (`limit`) before
   it unmaps the least recently used windows. */
static inline int tj_git_set_pack_windows(size_t window, size_t limit) {
    int code = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
    return code != 0 ? code : git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
}

/* Whether every object read is hashed again to check it matches its id. */
static inline int tj_git_verify_object_hashes(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
