#ifndef CTOML_SHIM_H
#define CTOML_SHIM_H
/* A plain C view of toml++ (TOML 1.0): parse a buffer into a flat, pre-order list of
   nodes that Swift walks, or an error with its line, column and toml++'s description. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tj_toml_kind {
    TJ_TOML_TABLE = 0,
    TJ_TOML_ARRAY = 1,
    TJ_TOML_STRING = 2,
    TJ_TOML_INTEGER = 3,
    TJ_TOML_FLOAT = 4,
    TJ_TOML_BOOLEAN = 5,
    /* A local date, a local time or a date-time with or without an offset. */
    TJ_TOML_DATE_TIME = 6,
} tj_toml_kind;

/* One value. A table or array is followed by its `children` direct children, each
   with its own descendants (pre-order), so the whole list is one walk. */
typedef struct tj_toml_node {
    tj_toml_kind kind;
    /* The line (1-based) where the value begins; for a table, its header or first key. */
    uint32_t line;
    /* For a table's entry: its key, in the order the keys were written, and the line of
       the key. NULL, 0 and 0 for array items and the document. Keys are valid UTF-8
       and may hold NUL bytes (an escaped \u0000), hence the length. */
    const char *key;
    size_t key_length;
    uint32_t key_line;
    /* TJ_TOML_STRING: the decoded text (valid UTF-8, may hold NUL bytes). */
    const char *text;
    size_t text_length;
    /* TJ_TOML_INTEGER: the value; TJ_TOML_BOOLEAN: 0 or 1. */
    int64_t integer;
    /* TJ_TOML_FLOAT: the value (inf and nan are valid TOML). */
    double number;
    /* TJ_TOML_TABLE and TJ_TOML_ARRAY: how many direct children follow. */
    size_t children;
} tj_toml_node;

typedef struct tj_toml_document tj_toml_document;

/* The deepest tables, arrays and dotted keys may nest: toml++ walks its tree
   recursively, so a deeper document could exhaust the stack. */
#define TJ_TOML_MAX_DEPTH 128

/* Parses `length` bytes (any bytes: NULs and invalid UTF-8 are errors, not ends).
   Returns a document to free with tj_toml_free, or NULL when memory ran out. */
tj_toml_document *tj_toml_parse(const void *bytes, size_t length);

/* The error's description, or NULL when the text parsed. Valid until tj_toml_free. */
const char *tj_toml_error(const tj_toml_document *document);
/* Where the error is (1-based; 0 when toml++ did not say). */
uint32_t tj_toml_error_line(const tj_toml_document *document);
uint32_t tj_toml_error_column(const tj_toml_document *document);

/* The nodes when the text parsed: the first is the document's table. Valid until tj_toml_free. */
const tj_toml_node *tj_toml_nodes(const tj_toml_document *document);
size_t tj_toml_node_count(const tj_toml_document *document);

void tj_toml_free(tj_toml_document *document);

#ifdef __cplusplus
}
#endif
#endif
