/* Identity cache. Every authenticated request used to read the store three times (session
 * or token, user, roles): three WAL read transactions, each with its file-lock system
 * calls, one after another behind the store's single mutex. At dashboard rates that was
 * most of a request's time. An answer is kept per credential hash and tagged with the
 * store's identity version read before it (store_identity_version): any change through
 * this process to accounts, roles, sessions or tokens (a sign-out, a role change, a
 * disabled account, the guard's own last-seen touch) makes every entry miss, so none is
 * ever missed; a report submitted does not. A change made by another process (sqlite3, the
 * command line) does not move that version, so entries also expire after
 * AUTH_CACHE_TTL_MS. A direct-mapped table: a collision evicts, which only costs the next
 * request a store read. */
#include "app/authcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"

enum { SLOTS = 2048 };

typedef struct entry {
	int used;
	char kind;
	unsigned char hash[32];
	uint64_t version;
	int64_t until_ms;
	auth_cred_t cred;
	app_user_t u; /* strings and roles malloc'ed, owned by the entry */
} entry_t;

struct auth_cache {
	pthread_mutex_t mu;
	entry_t slots[SLOTS];
};

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static entry_t *
slot_of(auth_cache_t *c, const unsigned char hash[32])
{
	uint32_t h;
	memcpy(&h, hash, sizeof h); /* a SHA-256: already uniform */
	return &c->slots[h % SLOTS];
}

static void
entry_clear(entry_t *e)
{
	if (!e->used)
		return;
	free((char *)e->u.username);
	free((char *)e->u.full_name);
	free((char *)e->u.email);
	free((char *)e->u.csrf);
	free(e->u.roles);
	memset(e, 0, sizeof *e);
}

auth_cache_t *
auth_cache_new(void)
{
	auth_cache_t *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void
auth_cache_free(auth_cache_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		entry_clear(&c->slots[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int
auth_cache_get(auth_cache_t *c, const unsigned char hash[32], char kind, uint64_t version,
               arena_t *a, app_user_t **u, auth_cred_t *cred)
{
	if (!c)
		return 0;
	int64_t now = mono_ms();
	entry_t *e = slot_of(c, hash);
	int hit = 0;
	pthread_mutex_lock(&c->mu);
	if (e->used && e->kind == kind && e->version == version && now < e->until_ms &&
	    memcmp(e->hash, hash, 32) == 0) {
		app_user_t *v = arena_alloc(a, sizeof *v);
		*v = e->u;
		v->username = arena_strdup(a, e->u.username);
		v->full_name = arena_strdup(a, e->u.full_name);
		v->email = arena_strdup(a, e->u.email);
		v->csrf = arena_strdup(a, e->u.csrf);
		v->roles = NULL;
		if (e->u.nroles) {
			v->roles = arena_alloc(a, e->u.nroles * sizeof *v->roles);
			memcpy(v->roles, e->u.roles, e->u.nroles * sizeof *v->roles);
		}
		*u = v;
		*cred = e->cred;
		hit = 1;
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void
auth_cache_put(auth_cache_t *c, const unsigned char hash[32], char kind, uint64_t version,
               const app_user_t *u, const auth_cred_t *cred)
{
	if (!c)
		return;
	entry_t n = {1, kind, {0}, version, mono_ms() + AUTH_CACHE_TTL_MS, *cred, *u};
	memcpy(n.hash, hash, 32);
	n.u.username = xstrdup(u->username ? u->username : "");
	n.u.full_name = xstrdup(u->full_name ? u->full_name : "");
	n.u.email = xstrdup(u->email ? u->email : "");
	n.u.csrf = xstrdup(u->csrf ? u->csrf : "");
	n.u.roles = NULL;
	if (u->nroles) {
		n.u.roles = xmalloc(u->nroles * sizeof *n.u.roles);
		memcpy(n.u.roles, u->roles, u->nroles * sizeof *n.u.roles);
	}
	pthread_mutex_lock(&c->mu);
	entry_t *e = slot_of(c, hash);
	entry_clear(e);
	*e = n;
	pthread_mutex_unlock(&c->mu);
}
