/* Resumable uploads: a file sent in chunks over several requests (and connections), kept
 * in a spool directory until it is complete and taken. No HTTP here: the caller says who
 * owns an upload (a user id) and what it is for (a scope string such as
 * "activity:HA-11413-TH:12"); an upload is found only with the same owner and scope.
 * Files: DIR/<id>.part (the bytes received so far) and DIR/<id>.json (owner, scope,
 * declared size, caption, creation time). Thread-safe (one lock for the spool). */
#ifndef SUOTDOI_UPLOAD_H
#define SUOTDOI_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define UPL_ID_LEN 32              /* hex characters of an upload id */
#define UPL_CHUNK_MAX (256 * 1024) /* one chunk's largest size */
#define UPL_TTL (24 * 3600)        /* an unfinished upload is removed after a day */
#define UPL_PENDING_MAX 8          /* unfinished uploads one owner may hold */
#define UPL_PENDING_ALL 256        /* unfinished uploads in all: 2.5 GB at the very most */

typedef enum upl_rc {
	UPL_OK = 0,
	UPL_ERR = -1,        /* I/O failure, logged; the upload is left as it was */
	UPL_NOT_FOUND = -2,  /* no such upload for this owner and scope (or expired) */
	UPL_BAD_RANGE = -3,  /* the chunk does not start at the received offset, or its total is
	                        not the declared size */
	UPL_TOO_BIG = -4,    /* the declared size (or a chunk) is over the limit */
	UPL_INCOMPLETE = -5, /* taken before every byte arrived */
	UPL_TOO_MANY = -6,   /* the owner already holds UPL_PENDING_MAX uploads */
	UPL_FULL = -7,       /* the spool holds UPL_PENDING_ALL uploads (everyone's) */
} upl_rc_t;

typedef struct upl_info {
	int64_t size;      /* declared total */
	int64_t offset;    /* bytes received */
	int64_t created;   /* unix seconds */
	char caption[304]; /* as given to upl_create (cut at 300 bytes) */
} upl_info_t;

/* Make DIR if needed and start an upload of size bytes (1..max_size) for owner and scope;
 * id gets UPL_ID_LEN hex characters and a NUL. Also removes the expired uploads in DIR.
 * UPL_OK, UPL_TOO_BIG, UPL_TOO_MANY, UPL_FULL or UPL_ERR. */
upl_rc_t upl_create(const char *dir, int64_t owner, const char *scope, int64_t size,
                    int64_t max_size, const char *caption, int64_t now,
                    char id[UPL_ID_LEN + 1] /* OUT */);
/* Append len bytes that belong at start of an upload of total bytes. *offset (always
 * set, 0 when not found) is the received offset afterwards. UPL_OK, UPL_NOT_FOUND,
 * UPL_BAD_RANGE (start is not the received offset, total is not the declared size, or the
 * chunk goes past it), UPL_TOO_BIG (len > UPL_CHUNK_MAX) or UPL_ERR. */
upl_rc_t upl_append(const char *dir, const char *id, int64_t owner, const char *scope,
                    int64_t start, const void *data, size_t len, int64_t total, int64_t now,
                    int64_t *offset /* OUT */);
/* What has arrived. UPL_OK or UPL_NOT_FOUND. */
upl_rc_t upl_status(const char *dir, const char *id, int64_t owner, const char *scope, int64_t now,
                    upl_info_t *info /* OUT */);
/* The whole file into out (appended) and the upload removed, whatever is done with it
 * next. UPL_OK, UPL_NOT_FOUND, UPL_INCOMPLETE (nothing removed) or UPL_ERR. */
upl_rc_t upl_take(const char *dir, const char *id, int64_t owner, const char *scope, int64_t now,
                  buf_t *out, upl_info_t *info /* OUT */);
/* Remove an upload (no owner check: for the caller's own failures). */
void upl_remove(const char *dir, const char *id);

/* "bytes START-END/TOTAL" (RFC 9110 Content-Range, a complete range; END inclusive) into
 * *start, *len = END-START+1, *total. 0, or -1 for anything else (a "*" total or range,
 * END < START, END >= TOTAL, numbers over 2^53, spaces inside). */
int upl_parse_content_range(const char *s, int64_t *start, int64_t *len, int64_t *total);

#endif
