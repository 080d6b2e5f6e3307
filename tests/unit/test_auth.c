/* Authentication primitives: username rules, each password rule with its message, argon2id
 * hashes, generated passwords, tokens, constant-time equality, and the login throttle
 * (waits, window, reset, memory bound, threads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "text/text.h"

static int
setup(void **state)
{
	(void)state;
	return auth_init();
}

static void
test_init_twice(void **state)
{
	(void)state;
	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_init(), 0);
}

static void
expect_username(const char *in, const char *want)
{
	char out[65], err[256] = "";
	if (auth_username_normalize(in, out, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", in, err);
	assert_string_equal(out, want);
}

static void
expect_username_error(const char *in, const char *msg_part)
{
	char out[65], err[256] = "";
	assert_int_equal(auth_username_normalize(in, out, err, sizeof err), -1);
	assert_non_null(strstr(err, msg_part));
	assert_true(text_utf8_valid(err, strlen(err)));
}

static void
test_username(void **state)
{
	(void)state;
	expect_username("lan", "lan");
	expect_username("  Nguyen.Van_An-2 \t", "nguyen.van_an-2");
	expect_username("9abc", "9abc");
	char long_ok[65];
	memset(long_ok, 'a', 64);
	long_ok[64] = '\0';
	expect_username(long_ok, long_ok);

	expect_username_error("", "Hãy nhập tên đăng nhập");
	expect_username_error("   ", "Hãy nhập tên đăng nhập");
	expect_username_error(NULL, "Hãy nhập tên đăng nhập");
	expect_username_error("ab", "từ 3 đến 64 ký tự");
	char too_long[66];
	memset(too_long, 'a', 65);
	too_long[65] = '\0';
	expect_username_error(too_long, "từ 3 đến 64 ký tự");
	expect_username_error("lan anh", "chữ không dấu, số và . _ -");
	expect_username_error("nguyễn", "chữ không dấu, số và . _ -");
	expect_username_error("lan@so", "chữ không dấu, số và . _ -");
	expect_username_error(".lan", "bắt đầu bằng chữ hoặc số");
	expect_username_error("_lan", "bắt đầu bằng chữ hoặc số");
	expect_username_error("-lan", "bắt đầu bằng chữ hoặc số");

	/* in and out may be the same buffer */
	char same[65] = " AbC ";
	char err[128];
	assert_int_equal(auth_username_normalize(same, same, err, sizeof err), 0);
	assert_string_equal(same, "abc");
}

static void
expect_policy_error(const char *user, const char *pw, const char *msg)
{
	char err[256] = "";
	assert_int_equal(auth_password_policy(user, pw, err, sizeof err), -1);
	if (!strstr(err, msg))
		fail_msg("'%s': got '%s', want '%s'", pw, err, msg);
	assert_true(text_utf8_valid(err, strlen(err)));
}

static void
test_password_policy(void **state)
{
	(void)state;
	char err[256] = "";
	assert_int_equal(auth_password_policy("lan", "Hoc-suot-doi-7", err, sizeof err), 0);
	assert_int_equal(auth_password_policy("lan", "cây tre trăm đốt", err, sizeof err), 0);
	assert_int_equal(auth_password_policy(NULL, "xK7mpQ2rtz9w", err, sizeof err), 0);
	/* a username shorter than 3 is not looked for */
	assert_int_equal(auth_password_policy("an", "anhdao-9x7k", err, sizeof err), 0);

	expect_policy_error("lan", "short1", "Mật khẩu cần ít nhất 10 ký tự.");
	expect_policy_error("lan", "", "Mật khẩu cần ít nhất 10 ký tự.");
	expect_policy_error("lan", NULL, "Mật khẩu cần ít nhất 10 ký tự.");
	char longpw[AUTH_PASSWORD_MAX + 2];
	for (size_t i = 0; i < sizeof longpw - 1; i++)
		longpw[i] = (char)('a' + i % 26);
	longpw[sizeof longpw - 1] = '\0';
	expect_policy_error("lan", longpw, "Mật khẩu dài quá 128 ký tự");
	longpw[AUTH_PASSWORD_MAX] = '\0';
	assert_int_equal(auth_password_policy("lan", longpw, err, sizeof err), 0);

	expect_policy_error("lan", "abcdefghi\xff\xfe", "ký tự không hợp lệ");
	expect_policy_error("lan", "aaaaaaaaaaaa", "lặp lại một ký tự");
	expect_policy_error("lan", "aAaAaAaAaAaA", "lặp lại một ký tự");
	expect_policy_error("lan", "đđđđđđđđ", "lặp lại một ký tự"); /* 16 bytes */
	expect_policy_error("nguyenvanan", "xx-NguyenVanAn-99",
	                    "Mật khẩu không được chứa tên đăng nhập.");
	expect_policy_error("lan", "MatKhau123", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "matkhau@123", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "mat khau 123", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "1234567890", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "Hoc Tap Suot Doi", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "ANHYEUEM123", "Mật khẩu quá phổ biến, dễ bị đoán");
	expect_policy_error("lan", "pass word1", "Mật khẩu quá phổ biến, dễ bị đoán");

	/* NULL err is allowed */
	assert_int_equal(auth_password_policy("lan", "short", NULL, 0), -1);
}

static void
test_hash_verify(void **state)
{
	(void)state;
	char hash[AUTH_HASH_MAX];
	assert_int_equal(auth_password_hash("Hoc-suot-doi-7", hash), 0);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_true(strlen(hash) < AUTH_HASH_MAX);
	assert_int_equal(auth_password_verify(hash, "Hoc-suot-doi-7"), 1);
	assert_int_equal(auth_password_verify(hash, "Hoc-suot-doi-8"), 0);
	assert_int_equal(auth_password_verify(hash, ""), 0);

	char again[AUTH_HASH_MAX];
	assert_int_equal(auth_password_hash("Hoc-suot-doi-7", again), 0);
	assert_string_not_equal(hash, again); /* salted */

	assert_int_equal(auth_password_verify("", "x"), 0);
	assert_int_equal(auth_password_verify("$argon2id$garbage", "x"), 0);
	assert_int_equal(auth_password_verify("not a hash at all", "x"), 0);
	assert_int_equal(auth_password_verify(NULL, "x"), 0);
	assert_int_equal(auth_password_verify(hash, NULL), 0);
	char truncated[AUTH_HASH_MAX];
	snprintf(truncated, sizeof truncated, "%.*s", (int)strlen(hash) - 5, hash);
	assert_int_equal(auth_password_verify(truncated, "Hoc-suot-doi-7"), 0);

	auth_password_verify_dummy("anything");
	auth_password_verify_dummy(NULL);
}

static void
test_hash_generated(void **state)
{
	(void)state;
	char pw[AUTH_GENERATED_LEN + 1], h[AUTH_HASH_MAX], full[AUTH_HASH_MAX];
	auth_password_generate(pw);
	assert_int_equal(auth_password_hash_generated(pw, h), 0);
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
	assert_int_equal(auth_password_verify(h, pw), 1);
	assert_int_equal(auth_password_verify(h, "not-the-password"), 0);
	/* lighter limits than a person's password, visible in the encoded parameters */
	assert_int_equal(auth_password_hash(pw, full), 0);
	assert_string_not_equal(strstr(h, "$m="), strstr(full, "$m="));
}

static void
test_generate(void **state)
{
	(void)state;
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char seen[100][AUTH_GENERATED_LEN + 1];
	for (int i = 0; i < 100; i++) {
		char *pw = seen[i];
		auth_password_generate(pw);
		assert_int_equal(strlen(pw), AUTH_GENERATED_LEN);
		assert_int_equal(strspn(pw, alphabet), AUTH_GENERATED_LEN);
		assert_non_null(strpbrk(pw, "23456789"));
		int letters = 0;
		for (const char *p = pw; *p; p++)
			letters += (*p < '0' || *p > '9');
		assert_true(letters > 0);
		char err[256] = "";
		if (auth_password_policy(NULL, pw, err, sizeof err) != 0)
			fail_msg("%s: %s", pw, err);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(pw, seen[j]);
	}
}

static int
is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static void
test_tokens(void **state)
{
	(void)state;
	char a[AUTH_TOKEN_LEN + 1], b[AUTH_TOKEN_LEN + 1];
	unsigned char ha[32], hb[32], h[32];
	auth_token_new(a, ha);
	auth_token_new(b, hb);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN);
	assert_int_equal(strlen(b), AUTH_TOKEN_LEN);
	for (size_t i = 0; i < AUTH_TOKEN_LEN; i++)
		assert_true(is_b64url(a[i]) && is_b64url(b[i]));
	assert_string_not_equal(a, b);
	assert_memory_not_equal(ha, hb, 32);

	auth_token_hash(a, strlen(a), h);
	assert_memory_equal(h, ha, 32);
	auth_token_hash(b, strlen(b), h);
	assert_memory_equal(h, hb, 32);
	auth_token_hash(a, strlen(a) - 1, h);
	assert_memory_not_equal(h, ha, 32);

	/* any length, including empty and NULL, hashes without trouble */
	unsigned char h0[32], h1[32];
	auth_token_hash("", 0, h0);
	auth_token_hash(NULL, 0, h1);
	assert_memory_equal(h0, h1, 32);
}

static void
test_secure_equal(void **state)
{
	(void)state;
	assert_int_equal(auth_secure_equal("abcdef", "abcdef"), 1);
	assert_int_equal(auth_secure_equal("abcdef", "abcdeg"), 0);
	assert_int_equal(auth_secure_equal("abcdef", "abcde"), 0);
	assert_int_equal(auth_secure_equal("abcde", "abcdef"), 0);
	assert_int_equal(auth_secure_equal("", ""), 1);
	assert_int_equal(auth_secure_equal("", "a"), 0);
	assert_int_equal(auth_secure_equal(NULL, "a"), 0);
	assert_int_equal(auth_secure_equal("a", NULL), 0);
	char t[AUTH_TOKEN_LEN + 1];
	unsigned char h[32];
	auth_token_new(t, h);
	char copy[AUTH_TOKEN_LEN + 1];
	memcpy(copy, t, sizeof copy);
	assert_int_equal(auth_secure_equal(t, copy), 1);
}

static void
test_throttle_waits(void **state)
{
	(void)state;
	/* 3 free failures, 15 min window, at most 60 s */
	auth_throttle_t *t = auth_throttle_new(3, 900, 60);
	const int64_t t0 = 1700000000;
	assert_int_equal(auth_throttle_wait(t, "user:lan", t0), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(auth_throttle_wait(t, "user:lan", t0 + i), 0);
		auth_throttle_fail(t, "user:lan", t0 + i);
	}
	/* three failures used up: 1, 2, 4, ... after each further failure, capped at 60 */
	int64_t now = t0 + 2;
	const int64_t want[] = {1, 2, 4, 8, 16, 32, 60, 60, 60};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		assert_int_equal(auth_throttle_wait(t, "user:lan", now), want[i]);
		assert_int_equal(auth_throttle_wait(t, "user:lan", now + want[i] - 1), 1);
		assert_int_equal(auth_throttle_wait(t, "user:lan", now + want[i]), 0);
		now += want[i];
		auth_throttle_fail(t, "user:lan", now);
	}
	/* other keys are unaffected */
	assert_int_equal(auth_throttle_wait(t, "user:lan2", now), 0);
	assert_int_equal(auth_throttle_wait(t, "ip:1.2.3.4", now), 0);
	assert_true(auth_throttle_wait(t, "user:lan", now) > 0);

	/* window expiry: the old failures no longer count, and a failure starts a new window */
	int64_t later = t0 + 900;
	assert_int_equal(auth_throttle_wait(t, "user:lan", later), 0);
	auth_throttle_fail(t, "user:lan", later);
	assert_int_equal(auth_throttle_wait(t, "user:lan", later), 0);
	auth_throttle_fail(t, "user:lan", later);
	auth_throttle_fail(t, "user:lan", later);
	assert_int_equal(auth_throttle_wait(t, "user:lan", later), 1);

	/* reset forgets the key (successful login) */
	auth_throttle_reset(t, "user:lan");
	assert_int_equal(auth_throttle_wait(t, "user:lan", later), 0);
	assert_int_equal(auth_throttle_size(t), 0);
	auth_throttle_reset(t, "user:nobody");
	auth_throttle_fail(t, "user:lan", later);
	assert_int_equal(auth_throttle_wait(t, "user:lan", later), 0);
	assert_int_equal(auth_throttle_size(t), 1);
	auth_throttle_free(t);
	auth_throttle_free(NULL);
}

static void
test_throttle_zero_free(void **state)
{
	(void)state;
	auth_throttle_t *t = auth_throttle_new(0, 60, 1000);
	auth_throttle_fail(t, "k", 100);
	assert_int_equal(auth_throttle_wait(t, "k", 100), 2);
	/* a long key is fine and distinct from its prefix */
	char big[10000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	auth_throttle_fail(t, big, 100);
	big[5000] = '\0';
	assert_int_equal(auth_throttle_wait(t, big, 100), 0);
	auth_throttle_free(t);
}

static void
test_throttle_bounded(void **state)
{
	(void)state;
	auth_throttle_t *t = auth_throttle_new(5, 900, 3600);
	char key[64];
	const int64_t t0 = 1700000000;
	/* the victim keeps failing, so it is recent and survives the flood */
	for (int i = 0; i < 10; i++)
		auth_throttle_fail(t, "user:victim", t0);
	/* an attacker sends 200,000 distinct usernames, all within one window */
	for (int i = 0; i < 200000; i++) {
		snprintf(key, sizeof key, "user:u%d", i);
		auth_throttle_fail(t, key, t0 + 1);
		if (i % 20000 == 0)
			auth_throttle_fail(t, "user:victim", t0 + 1);
		assert_true(auth_throttle_size(t) <= 100000);
	}
	assert_true(auth_throttle_size(t) <= 100000);
	assert_true(auth_throttle_size(t) > 50000);
	assert_true(auth_throttle_wait(t, "user:victim", t0 + 1) > 0);
	/* the oldest keys went first: u0 starts again from one failure, u199999 kept its own */
	for (int i = 0; i < 5; i++) {
		auth_throttle_fail(t, "user:u0", t0 + 1);
		auth_throttle_fail(t, "user:u199999", t0 + 1);
	}
	assert_int_equal(auth_throttle_wait(t, "user:u0", t0 + 1), 1);
	assert_int_equal(auth_throttle_wait(t, "user:u199999", t0 + 1), 2);

	/* after the window, a sweep drops the expired entries instead of the recent ones */
	int64_t later = t0 + 1000;
	for (int i = 0; i < 200000 && auth_throttle_size(t) < 100000; i++) {
		snprintf(key, sizeof key, "user:late%d", i);
		auth_throttle_fail(t, key, later);
	}
	snprintf(key, sizeof key, "user:trigger");
	auth_throttle_fail(t, key, later);
	assert_true(auth_throttle_size(t) < 100000);
	for (int i = 0; i < 6; i++)
		auth_throttle_fail(t, "user:late0", later);
	assert_true(auth_throttle_wait(t, "user:late0", later) > 0);
	auth_throttle_free(t);
}

typedef struct worker {
	auth_throttle_t *t;
	int id;
} worker_t;

static void *
worker_run(void *arg)
{
	worker_t *w = arg;
	char key[64];
	for (int i = 0; i < 5000; i++) {
		auth_throttle_fail(w->t, "ip:shared", 1000);
		snprintf(key, sizeof key, "user:w%d-%d", w->id, i % 50);
		auth_throttle_fail(w->t, key, 1000);
		(void)auth_throttle_wait(w->t, key, 1000);
		if (i % 7 == 0)
			auth_throttle_reset(w->t, key);
		(void)auth_throttle_size(w->t);
	}
	return NULL;
}

static void
test_throttle_threads(void **state)
{
	(void)state;
	auth_throttle_t *t = auth_throttle_new(100, 900, 30);
	pthread_t th[4];
	worker_t w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker_t){t, i};
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	/* 20,000 failures on the shared key: far past the free ones, so the cap applies */
	assert_int_equal(auth_throttle_wait(t, "ip:shared", 1000), 30);
	assert_int_equal(auth_throttle_wait(t, "ip:shared", 1030), 0);
	assert_true(auth_throttle_size(t) <= 1 + 4 * 50);
	auth_throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_init_twice),       cmocka_unit_test(test_username),
	        cmocka_unit_test(test_password_policy),  cmocka_unit_test(test_hash_verify),
	        cmocka_unit_test(test_generate),         cmocka_unit_test(test_hash_generated),
	        cmocka_unit_test(test_tokens),           cmocka_unit_test(test_secure_equal),
	        cmocka_unit_test(test_throttle_waits),   cmocka_unit_test(test_throttle_zero_free),
	        cmocka_unit_test(test_throttle_bounded), cmocka_unit_test(test_throttle_threads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
