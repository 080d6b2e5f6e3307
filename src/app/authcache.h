/* Who a session cookie or an API token is, remembered briefly (see authcache.c). Only the
 * guard uses it: it decides nothing, it saves the guard three store reads per request. */
#ifndef SUOTDOI_AUTHCACHE_H
#define SUOTDOI_AUTHCACHE_H

#include <stdint.h>

#include "app/app.h"
#include "core/arena.h"

/* An entry is trusted this long at most, whatever the store's identity version says: the
 * bound on a change made by another process, which that version does not see. */
#define AUTH_CACHE_TTL_MS 2000

typedef struct auth_cache auth_cache_t;

/* What the guard read about a credential besides its user. */
typedef struct auth_cred {
	int64_t id;           /* session or token id */
	int64_t created_at;   /* session: sign-in time; token: 0 */
	int64_t last_seen_at; /* session: last seen; token: last used */
} auth_cred_t;

auth_cache_t *auth_cache_new(void);
void auth_cache_free(auth_cache_t *c);
/* The user and credential remembered for hash (kind 's' session, 't' token) as read at
 * identity version `version`: 1 with *u (a copy in a) and *cred, 0 when absent, read at
 * another version or older than AUTH_CACHE_TTL_MS. */
int auth_cache_get(auth_cache_t *c, const unsigned char hash[32], char kind, uint64_t version,
                   arena_t *a, app_user_t **u /* OUT */, auth_cred_t *cred /* OUT */);
/* Remember u and cred for hash, read at identity version `version` (read before the store). */
void auth_cache_put(auth_cache_t *c, const unsigned char hash[32], char kind, uint64_t version,
                    const app_user_t *u, const auth_cred_t *cred);

#endif
