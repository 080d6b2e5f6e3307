/* Authentication primitives over libsodium: argon2id password hashes, random tokens kept
 * only as BLAKE2b hashes, the password policy, and the in-memory login throttle. */
#include "domain/auth.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/mem.h"
#include "text/text.h"

_Static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "AUTH_HASH_MAX too small");
_Static_assert(sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                       AUTH_TOKEN_LEN + 1,
               "AUTH_TOKEN_LEN must be the base64url length of 32 bytes");

#define USERNAME_MIN 3
#define USERNAME_MAX 64

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
auth_init(void)
{
	/* 1 means "already initialised", which is fine: tests and start-up may both call. */
	return sodium_init() < 0 ? -1 : 0;
}

/* ---- usernames ---- */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_username_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int
auth_username_normalize(const char *in, char *out, char *err, size_t errlen)
{
	const char *p = in ? in : "";
	size_t n = strlen(p);
	while (n && is_blank(*p)) {
		p++;
		n--;
	}
	while (n && is_blank(p[n - 1]))
		n--;
	out[0] = '\0';
	if (n == 0) {
		set_err(err, errlen, "Hãy nhập tên đăng nhập.");
		return -1;
	}
	if (n < USERNAME_MIN || n > USERNAME_MAX) {
		set_err(err, errlen, "Tên đăng nhập cần từ 3 đến 64 ký tự.");
		return -1;
	}
	char tmp[USERNAME_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		tmp[i] = ascii_lower(p[i]);
		if (!is_username_char(tmp[i])) {
			set_err(err, errlen,
			        "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (3–64 ký tự).");
			return -1;
		}
	}
	tmp[n] = '\0';
	if (tmp[0] == '.' || tmp[0] == '_' || tmp[0] == '-') {
		set_err(err, errlen, "Tên đăng nhập phải bắt đầu bằng chữ hoặc số.");
		return -1;
	}
	memcpy(out, tmp, n + 1);
	return 0;
}

/* ---- password policy ---- */

/* Compared after lowercasing and removing spaces. Entries shorter than AUTH_PASSWORD_MIN
 * still matter: "pass word1" passes the length rule but folds to "password1". */
static const char *const common_passwords[] = {
        "matkhau123",    "matkhau@123",      "matkhau1234",         "matkhau12345", "matkhaumoi123",
        "123456789a",    "1234567890",       "0123456789",          "12345678910",  "123456789@",
        "1234567890a",   "0987654321",       "9876543210",          "a123456789",   "aa123456789",
        "qwertyuiop",    "qwerty123456",     "1qaz2wsx3edc",        "1q2w3e4r5t",   "1q2w3e4r5t6y",
        "zaq12wsx34",    "password",         "password1",           "password123",  "password1234",
        "password@123",  "admin12345",       "admin@12345",         "admin123456",  "administrator",
        "abc123456789",  "abcd123456",       "abcdefghij",          "iloveyou123",  "iloveyou12",
        "welcome123",    "letmein123",       "vietnam123",          "vietnam@123",  "vietnam1234",
        "hanoi12345",    "hanoi123456",      "saigon12345",         "anhyeuem123",  "anhyeuem1234",
        "emyeuanh123",   "11111111111",      "88888888888",         "66666666666",  "suotdoi2022",
        "suotdoi2023",   "suotdoi2024",      "suotdoi2025",         "suotdoi123",   "suotdoi@123",
        "hoctapsuotdoi", "hoctapsuotdoi123", "tuanlehoctapsuotdoi", "giaoduc123",   "giaoduc@123",
};

static int
is_common(const char *pw, size_t n)
{
	char folded[AUTH_PASSWORD_MAX + 1];
	size_t k = 0;
	for (size_t i = 0; i < n && k < AUTH_PASSWORD_MAX; i++)
		if (pw[i] != ' ')
			folded[k++] = ascii_lower(pw[i]);
	folded[k] = '\0';
	for (size_t i = 0; i < sizeof common_passwords / sizeof *common_passwords; i++)
		if (strcmp(folded, common_passwords[i]) == 0)
			return 1;
	return 0;
}

/* Length in bytes of the UTF-8 sequence starting with lead byte c (input is valid). */
static size_t
utf8_seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* 1 if pw is one character (code point; ASCII case ignored) repeated. */
static int
is_one_repeated(const char *pw, size_t n)
{
	size_t k = utf8_seq_len((unsigned char)pw[0]);
	if (n % k != 0)
		return 0;
	for (size_t i = k; i < n; i += k)
		for (size_t j = 0; j < k; j++)
			if (ascii_lower(pw[i + j]) != ascii_lower(pw[j]))
				return 0;
	return 1;
}

/* ASCII case-insensitive substring test (usernames are ASCII). */
static int
contains_ci(const char *hay, size_t hn, const char *needle, size_t nn)
{
	if (nn == 0 || nn > hn)
		return 0;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t j = 0;
		while (j < nn && ascii_lower(hay[i + j]) == ascii_lower(needle[j]))
			j++;
		if (j == nn)
			return 1;
	}
	return 0;
}

int
auth_password_policy(const char *username, const char *pw, char *err, size_t errlen)
{
	if (!pw)
		pw = "";
	size_t n = strlen(pw);
	char msg[160];
	if (n < AUTH_PASSWORD_MIN) {
		snprintf(msg, sizeof msg, "Mật khẩu cần ít nhất %d ký tự.", AUTH_PASSWORD_MIN);
		set_err(err, errlen, msg);
		return -1;
	}
	if (n > AUTH_PASSWORD_MAX) {
		snprintf(msg, sizeof msg, "Mật khẩu dài quá %d ký tự; hãy chọn mật khẩu ngắn hơn.",
		         AUTH_PASSWORD_MAX);
		set_err(err, errlen, msg);
		return -1;
	}
	if (!text_utf8_valid(pw, n)) {
		set_err(err, errlen,
		        "Mật khẩu chứa ký tự không hợp lệ; hãy gõ lại bằng bàn phím thông thường.");
		return -1;
	}
	if (is_one_repeated(pw, n)) {
		set_err(err, errlen,
		        "Mật khẩu không được chỉ lặp lại một ký tự; hãy trộn chữ, số và ký hiệu.");
		return -1;
	}
	size_t un = username ? strlen(username) : 0;
	if (un >= USERNAME_MIN && contains_ci(pw, n, username, un)) {
		set_err(err, errlen, "Mật khẩu không được chứa tên đăng nhập.");
		return -1;
	}
	if (is_common(pw, n)) {
		set_err(err, errlen, "Mật khẩu quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.");
		return -1;
	}
	return 0;
}

/* ---- hashing ---- */

static int
hash_with(const char *pw, char out[AUTH_HASH_MAX], unsigned long long ops, size_t mem)
{
	out[0] = '\0';
	if (!pw)
		return -1;
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) !=
	    0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
auth_password_hash(const char *pw, char out[AUTH_HASH_MAX])
{
	return hash_with(pw, out, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int
auth_password_hash_generated(const char *pw, char out[AUTH_HASH_MAX])
{
	/* A generated password has ~69 bits from the CSPRNG and is replaced at first sign-in;
	 * the slow hash guards guessable human passwords and adds nothing here, while it would
	 * make one district's bulk creation take minutes. Verification reads the limits from
	 * the hash string, so both kinds verify alike. */
	return hash_with(pw, out, crypto_pwhash_OPSLIMIT_MIN, (size_t)1 << 20);
}

int
auth_password_verify(const char *hash, const char *pw)
{
	/* libsodium reads the hash as a C string; refuse anything that is not one within
	 * AUTH_HASH_MAX so a corrupt column cannot make it read past the buffer. */
	if (!hash || !pw || strnlen(hash, AUTH_HASH_MAX) >= AUTH_HASH_MAX)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[AUTH_HASH_MAX];

static void
dummy_init(void)
{
	char pw[AUTH_GENERATED_LEN + 1];
	if (auth_init() < 0)
		return;
	auth_password_generate(pw);
	if (auth_password_hash(pw, dummy_hash) < 0)
		dummy_hash[0] = '\0';
	sodium_memzero(pw, sizeof pw);
}

void
auth_password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	/* The result is meaningless (the password is random and discarded); only the time
	 * spent matters. */
	(void)auth_password_verify(dummy_hash, pw ? pw : "");
}

static const char generate_alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

void
auth_password_generate(char *out)
{
	const uint32_t na = (uint32_t)(sizeof generate_alphabet - 1);
	for (;;) {
		int digits = 0, letters = 0;
		for (size_t i = 0; i < AUTH_GENERATED_LEN; i++) {
			char c = generate_alphabet[randombytes_uniform(na)];
			if (c >= '0' && c <= '9')
				digits++;
			else
				letters++;
			out[i] = c;
		}
		out[AUTH_GENERATED_LEN] = '\0';
		if (digits && letters && auth_password_policy(NULL, out, NULL, 0) == 0)
			return;
	}
}

/* ---- tokens ---- */

void
auth_token_new(char *out, unsigned char hash[32])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	/* Hash the text form: that is what the client sends back. */
	auth_token_hash(out, AUTH_TOKEN_LEN, hash);
}

void
auth_token_hash(const char *token, size_t len, unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)(token ? token : ""), token ? len : 0,
	                   NULL, 0);
}

int
auth_secure_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t la = strlen(a), lb = strlen(b);
	/* Lengths are not secret (tokens have a fixed length); contents are. */
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

/* ---- login throttle ----
 * Keys are attacker-chosen (usernames), so entries are identified by a keyed BLAKE2b
 * digest: fixed-size entries whatever the key length, and bucket indexes nobody can aim
 * collisions at. A list ordered by last failure gives the eviction order. */

#define THROTTLE_MAX_KEYS 100000
/* After a sweep of a full table, evict down to this so sweeps stay rare (amortised). */
#define THROTTLE_LOW_WATER (THROTTLE_MAX_KEYS - THROTTLE_MAX_KEYS / 16)
#define THROTTLE_ID_LEN 16

typedef struct throttle_entry {
	unsigned char id[THROTTLE_ID_LEN];
	int failures;
	int64_t window_start, last_failure;
	struct throttle_entry *chain;       /* next in the bucket */
	struct throttle_entry *prev, *next; /* list by last failure, oldest first */
} throttle_entry_t;

struct auth_throttle {
	pthread_mutex_t lock;
	int free_failures;
	int64_t window, max_wait;
	unsigned char hkey[crypto_generichash_KEYBYTES];
	throttle_entry_t **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
	throttle_entry_t *oldest, *newest;
};

auth_throttle_t *
auth_throttle_new(int free_failures, int64_t window, int64_t max_wait)
{
	auth_throttle_t *t = xcalloc(1, sizeof *t);
	if (pthread_mutex_init(&t->lock, NULL) != 0)
		mem_fatal("pthread_mutex_init");
	t->free_failures = free_failures < 0 ? 0 : free_failures;
	t->window = window < 1 ? 1 : window;
	t->max_wait = max_wait < 0 ? 0 : max_wait;
	randombytes_buf(t->hkey, sizeof t->hkey);
	t->nbuckets = 1024;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	return t;
}

void
auth_throttle_free(auth_throttle_t *t)
{
	if (!t)
		return;
	throttle_entry_t *e = t->oldest;
	while (e) {
		throttle_entry_t *next = e->next;
		free(e);
		e = next;
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

size_t
auth_throttle_size(auth_throttle_t *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->count;
	pthread_mutex_unlock(&t->lock);
	return n;
}

static void
throttle_id(const auth_throttle_t *t, const char *key, unsigned char id[THROTTLE_ID_LEN])
{
	const char *k = key ? key : "";
	crypto_generichash(id, THROTTLE_ID_LEN, (const unsigned char *)k, strlen(k), t->hkey,
	                   sizeof t->hkey);
}

static size_t
bucket_of(const auth_throttle_t *t, const unsigned char id[THROTTLE_ID_LEN])
{
	uint64_t h;
	memcpy(&h, id, sizeof h);
	return (size_t)(h & (t->nbuckets - 1));
}

static throttle_entry_t **
find_slot(auth_throttle_t *t, const unsigned char id[THROTTLE_ID_LEN])
{
	throttle_entry_t **pe = &t->buckets[bucket_of(t, id)];
	while (*pe && memcmp((*pe)->id, id, THROTTLE_ID_LEN) != 0)
		pe = &(*pe)->chain;
	return pe;
}

static void
list_unlink(auth_throttle_t *t, throttle_entry_t *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		t->oldest = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		t->newest = e->prev;
	e->prev = e->next = NULL;
}

static void
list_append(auth_throttle_t *t, throttle_entry_t *e)
{
	e->prev = t->newest;
	e->next = NULL;
	if (t->newest)
		t->newest->next = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void
remove_entry(auth_throttle_t *t, throttle_entry_t *e)
{
	throttle_entry_t **pe = find_slot(t, e->id);
	if (ALWAYS(*pe == e))
		*pe = e->chain;
	list_unlink(t, e);
	free(e);
	t->count--;
}

static void
grow_buckets(auth_throttle_t *t)
{
	size_t n = t->nbuckets * 2;
	throttle_entry_t **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < t->nbuckets; i++) {
		throttle_entry_t *e = t->buckets[i];
		while (e) {
			throttle_entry_t *next = e->chain;
			uint64_t h;
			memcpy(&h, e->id, sizeof h);
			size_t k = (size_t)(h & (n - 1));
			e->chain = b[k];
			b[k] = e;
			e = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

static int
window_expired(const auth_throttle_t *t, const throttle_entry_t *e, int64_t now)
{
	return now - e->window_start >= t->window;
}

/* Makes room for one more entry: first forget the expired windows, then, if the table is
 * still full, the entries whose last failure is oldest. */
static void
make_room(auth_throttle_t *t, int64_t now)
{
	if (t->count < THROTTLE_MAX_KEYS)
		return;
	throttle_entry_t *e = t->oldest;
	while (e) {
		throttle_entry_t *next = e->next;
		if (window_expired(t, e, now))
			remove_entry(t, e);
		e = next;
	}
	if (t->count < THROTTLE_MAX_KEYS)
		return;
	while (t->count > THROTTLE_LOW_WATER)
		remove_entry(t, t->oldest);
}

int64_t
auth_throttle_wait(auth_throttle_t *t, const char *key, int64_t now)
{
	unsigned char id[THROTTLE_ID_LEN];
	throttle_id(t, key, id);
	int64_t wait = 0;
	pthread_mutex_lock(&t->lock);
	throttle_entry_t *e = *find_slot(t, id);
	if (e && !window_expired(t, e, now) && e->failures >= t->free_failures) {
		/* free_failures failures cost nothing; the attempt after them waits 1 s, then
		 * 2, 4, ... up to max_wait. */
		int exp = e->failures - t->free_failures;
		int64_t d = exp >= 62 ? t->max_wait : (int64_t)1 << exp;
		if (d > t->max_wait)
			d = t->max_wait;
		/* Times are sane epoch seconds, but a clock far ahead must not overflow. */
		int64_t elapsed = now - e->last_failure;
		wait = elapsed < 0 ? d : d - elapsed;
		if (wait < 0)
			wait = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void
auth_throttle_fail(auth_throttle_t *t, const char *key, int64_t now)
{
	unsigned char id[THROTTLE_ID_LEN];
	throttle_id(t, key, id);
	pthread_mutex_lock(&t->lock);
	throttle_entry_t *e = *find_slot(t, id);
	if (!e) {
		make_room(t, now);
		if (t->count >= t->nbuckets)
			grow_buckets(t);
		e = xcalloc(1, sizeof *e);
		memcpy(e->id, id, THROTTLE_ID_LEN);
		throttle_entry_t **pe = find_slot(t, id);
		*pe = e;
		t->count++;
		e->failures = 0;
		e->window_start = now;
	} else {
		list_unlink(t, e);
		if (window_expired(t, e, now)) {
			e->failures = 0;
			e->window_start = now;
		}
	}
	if (e->failures < INT_MAX)
		e->failures++;
	e->last_failure = now;
	list_append(t, e);
	pthread_mutex_unlock(&t->lock);
}

int
auth_throttle_count(auth_throttle_t *t, const char *key, int64_t now)
{
	unsigned char id[THROTTLE_ID_LEN];
	throttle_id(t, key, id);
	pthread_mutex_lock(&t->lock);
	throttle_entry_t *e = *find_slot(t, id);
	int n = e && !window_expired(t, e, now) ? e->failures : 0;
	pthread_mutex_unlock(&t->lock);
	return n;
}

void
auth_throttle_reset(auth_throttle_t *t, const char *key)
{
	unsigned char id[THROTTLE_ID_LEN];
	throttle_id(t, key, id);
	pthread_mutex_lock(&t->lock);
	throttle_entry_t *e = *find_slot(t, id);
	if (e)
		remove_entry(t, e);
	pthread_mutex_unlock(&t->lock);
}
