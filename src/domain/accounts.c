/* Account creation with its checks: username form, name and e-mail lengths, the
 * username not taken; then the user row and the role in the store. */
#include "domain/accounts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/auth.h"
#include "text/hygiene.h"

static int create(store_t *st, const account_new_t *a, const char *norm, const char *full,
                  const char *email, int64_t *id, char *msg, size_t msglen);

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return strlen(s) <= 254 && at && at != s && strchr(at, '.') && !strchr(s, ' ') &&
	       !strchr(at + 1, '@') && at[strlen(at) - 1] != '.';
}

int
accounts_create(store_t *st, const account_new_t *a, char *norm, int64_t *id, char *msg,
                size_t msglen)
{
	if (auth_username_normalize(a->username ? a->username : "", norm, msg, msglen) < 0)
		return 400;
	const char *email = a->email ? a->email : "";
	/* the name as stored: NFC, trimmed, one line, no control, bidi or invisible
	 * characters, at most ACCOUNT_NAME_MAX bytes (text/hygiene.h) */
	arena_t ar = ARENA_INIT;
	const char *full;
	const char *bad = text_clean_field(&ar, "Họ và tên", a->full_name,
	                                   TEXT_NAME | TEXT_TRIM, ACCOUNT_NAME_MAX, &full);
	if (bad) {
		snprintf(msg, msglen, "%s", bad);
		arena_free(&ar);
		return 400;
	}
	int rc = create(st, a, norm, full, email, id, msg, msglen);
	arena_free(&ar);
	return rc;
}

static int
create(store_t *st, const account_new_t *a, const char *norm, const char *full,
       const char *email, int64_t *id, char *msg, size_t msglen)
{
	if (*email && !email_ok(email)) {
		snprintf(msg, msglen,
		         "Thư điện tử \"%.80s\" không hợp lệ (ví dụ: ten@donvi.edu.vn).", email);
		return 400;
	}
	int64_t now = (int64_t)time(NULL);
	store_user_t su = {.username = norm,
	                   .full_name = full,
	                   .email = email,
	                   .password_hash = a->password_hash,
	                   .must_change_password = a->must_change_password,
	                   .created_at = now,
	                   .created_by = a->created_by};
	int rc = store_user_create(st, &su, id);
	if (rc == -2) {
		snprintf(msg, msglen,
		         "Tên đăng nhập \"%s\" đã có người dùng. Hãy chọn tên khác, hoặc thêm vai "
		         "trò "
		         "cho người đó ở trang của họ.",
		         norm);
		return 409;
	}
	if (rc < 0 ||
	    store_role_grant(st, *id, a->unit_id, role_code(a->role), a->created_by, now) < 0)
		return -1;
	return 0;
}
