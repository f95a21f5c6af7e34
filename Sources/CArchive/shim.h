#include <archive.h>
#include <archive_entry.h>

/* The AE_IF* file types are cast macros, which Swift does not import. */
static const unsigned int tj_archive_file = AE_IFREG;
static const unsigned int tj_archive_directory = AE_IFDIR;
static const unsigned int tj_archive_symlink = AE_IFLNK;
