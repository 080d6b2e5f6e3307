/* Authentication primitives: password policy and argon2id hashing (libsodium), random
 * tokens stored only as hashes, and the login throttle. No I/O except the RNG. */
#ifndef SUOTDOI_AUTH_H
#define SUOTDOI_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 128
#define AUTH_HASH_MAX 128 /* >= crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_GENERATED_LEN 12

/* Call once at start-up (sodium_init). -1 if libsodium cannot start. */
int auth_init(void);

/* Username: 3–64 of a-z 0-9 . _ - (after lowercasing), starting with a letter or digit.
 * Writes the lowercase form to out (capacity >= 65). -1 with a Vietnamese message. */
int auth_username_normalize(const char *in, char *out, char *err, size_t errlen);

/* Password policy: AUTH_PASSWORD_MIN..MAX bytes of valid UTF-8, not containing the
 * username, not on the list of common passwords (case-insensitive), not one repeated
 * character. -1 with a Vietnamese message saying what to change. */
int auth_password_policy(const char *username, const char *pw, char *err, size_t errlen);

/* argon2id hash (crypto_pwhash_str, interactive limits) into out. -1 on failure (OOM). */
int auth_password_hash(const char *pw, char out[AUTH_HASH_MAX]);
/* The same for a password from auth_password_generate (high entropy, must be changed at
 * first sign-in): argon2id with light limits, so creating thousands of accounts is quick. */
int auth_password_hash_generated(const char *pw, char out[AUTH_HASH_MAX]);
/* 1 if pw matches hash, 0 otherwise (also for a malformed hash). */
int auth_password_verify(const char *hash, const char *pw);
/* Spends the same time as a verify against a real hash, for unknown usernames, so
 * timing does not tell whether an account exists. */
void auth_password_verify_dummy(const char *pw);
/* A random password of AUTH_GENERATED_LEN characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I), with at least one digit; satisfies the policy. out: >= 13 bytes. */
void auth_password_generate(char *out);

/* A new random token: 32 bytes from the CSPRNG, base64url (out: AUTH_TOKEN_LEN + 1), and
 * its BLAKE2b-256 hash (what the store keeps). */
void auth_token_new(char *out, unsigned char hash[32]);
/* The hash of a presented token (any length; bad tokens simply match nothing). */
void auth_token_hash(const char *token, size_t len, unsigned char hash[32]);
/* Constant-time string equality (CSRF tokens). 1 if equal. */
int auth_secure_equal(const char *a, const char *b);

/* Login throttle, in memory, thread-safe. Keys are e.g. "ip:1.2.3.4" and "user:lan".
 * After `free_failures` failures within `window` seconds, each further attempt must wait
 * 2^(failures - free_failures) seconds after the last failure, capped at `max_wait`. */
typedef struct auth_throttle auth_throttle_t;
auth_throttle_t *auth_throttle_new(int free_failures, int64_t window, int64_t max_wait);
void auth_throttle_free(auth_throttle_t *t);
/* 0 = may try now; else the seconds to wait. */
int64_t auth_throttle_wait(auth_throttle_t *t, const char *key, int64_t now);
void auth_throttle_fail(auth_throttle_t *t, const char *key, int64_t now);
void auth_throttle_reset(auth_throttle_t *t, const char *key);
/* The failures (events) of key in its current window; 0 when none or the window is over.
 * With auth_throttle_fail per event, a fixed-window counter (enrolments per IP an hour). */
int auth_throttle_count(auth_throttle_t *t, const char *key, int64_t now);
/* Number of keys held (bounded at 100,000; for tests and monitoring). */
size_t auth_throttle_size(auth_throttle_t *t);

#endif
