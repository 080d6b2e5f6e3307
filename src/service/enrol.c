/* Class enrolment: the workflow behind the public enrolment form, the cancel form, the
 * unit's list and attendance, and the retention sweep. Every write runs in one store
 * transaction (BEGIN IMMEDIATE), so two citizens taking the last place cannot both get
 * it. See src/service/enrol.h and docs/activities.md ("Đăng ký học"). */
#include "service/enrol.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/activity.h"
#include "text/hygiene.h"
#include "text/text.h"
#include "text/when.h"

/* No 0/O, 1/I/L: read aloud over the phone or copied from a screen without doubt. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

int
enrol_phone_normalise(const char *in, size_t len, char out[11])
{
	char d[32];
	size_t n = 0;
	int plus = 0;
	if (in == NULL || len > 40)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9') {
			if (n + 1 >= sizeof d)
				return -1;
			d[n++] = c;
		} else if (c == '+' && n == 0 && !plus) {
			plus = 1;
		} else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
			return -1;
		}
	}
	d[n] = '\0';
	const char *national;
	if (n == 11 && d[0] == '8' && d[1] == '4')
		national = d + 2; /* 84 912 345 678 */
	else if (!plus && n == 10 && d[0] == '0')
		national = d + 1; /* 0912 345 678 */
	else if (n == 12 && d[0] == '8' && d[1] == '4' && d[2] == '0')
		national = d + 3; /* +84 0912 345 678: a common slip */
	else
		return -1;
	if (strlen(national) != 9 || !strchr("35789", national[0]))
		return -1;
	out[0] = '0';
	memcpy(out + 1, national, 9);
	out[10] = '\0';
	return 0;
}

void
enrol_code_new(char out[ENROL_CODE_LEN + 1])
{
	for (int i = 0; i < ENROL_CODE_LEN; i++)
		out[i] = code_alphabet[randombytes_uniform(sizeof code_alphabet - 1)];
	out[ENROL_CODE_LEN] = '\0';
}

int
enrol_code_normalise(const char *in, char out[ENROL_CODE_LEN + 1])
{
	size_t n = 0;
	if (in == NULL)
		return -1;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == '\0' || !strchr(code_alphabet, c) || n >= ENROL_CODE_LEN)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == ENROL_CODE_LEN ? 0 : -1;
}

int
enrol_kind_ok(const char *kind)
{
	return kind && strncmp(kind, "lop_", 4) == 0 && activity_kind_name(kind) != NULL;
}

const char *
enrol_fee_text(arena_t *a, int64_t fee)
{
	if (fee <= 0)
		return "Miễn phí";
	buf_t b = BUF_INIT;
	text_format_int(fee, &b);
	buf_puts(&b, " đ");
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void
add_err(enrol_outcome_t *out, const char *field, const char *msg)
{
	if (out->nerrs < ENROL_MAX_ERRS) {
		out->errs[out->nerrs].field = field;
		out->errs[out->nerrs].msg = msg;
		out->nerrs++;
	}
}

static enrol_rc_t
invalid(enrol_outcome_t *out)
{
	out->message = "Có mục chưa hợp lệ; chưa có gì được lưu. Hãy sửa các mục được chỉ ra rồi "
	               "gửi lại.";
	return ENROL_ERR_INVALID;
}

static enrol_rc_t
fail(enrol_outcome_t *out, enrol_rc_t rc, const char *msg)
{
	out->message = msg;
	return rc;
}

/* Trimmed copy of s in a, or "" for NULL. */
static const char *
trimmed(arena_t *a, const char *s)
{
	if (s == NULL)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

/* Valid UTF-8, no control characters (newlines too when one_line). */
static int
clean_text(const char *s, int one_line)
{
	if (!text_utf8_valid(s, strlen(s)))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && (one_line || (*p != '\n' && *p != '\r' && *p != '\t'))) ||
		    *p == 0x7f)
			return 0;
	return 1;
}

static int
checked(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

/* ---- settings ---- */

static int promote_waiting(const enrol_ctx_t *cx, int64_t activity_id, int64_t capacity,
                           int64_t *first);

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && strchr(at + 1, '@') == NULL && strchr(at + 1, '.') &&
	       at[strlen(at) - 1] != '.' && strcspn(s, " <>\"',;") == strlen(s);
}

enrol_rc_t
enrol_settings_save(const enrol_ctx_t *cx, const store_activity_t *a,
                    const enrol_settings_input_t *in, enrol_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	arena_t *ar = cx->arena;
	store_enrol_settings_t s = {.activity_id = a->id, .open = checked(in->open)};
	if (s.open && !enrol_kind_ok(a->kind))
		add_err(out, "enrol_open",
		        "Mở đăng ký học: chỉ các hoạt động loại lớp học (Lớp …) nhận đăng ký; hãy "
		        "đổi loại hoạt động hoặc bỏ chọn mở đăng ký.");
	const char *fee = trimmed(ar, in->fee);
	if (*fee == '\0' || !strcmp(fee, "0")) {
		s.fee = 0;
	} else if (text_parse_int(fee, strlen(fee), &s.fee) < 0 || s.fee < 0 ||
	           s.fee > ENROL_FEE_MAX) {
		add_err(out, "enrol_fee",
		        arena_printf(ar,
		                     "Học phí “%s” không hợp lệ: hãy nhập số tiền bằng đồng, ví dụ "
		                     "150.000, hoặc để trống nếu miễn phí.",
		                     fee));
	}
	const char *cap = trimmed(ar, in->capacity);
	store_enrol_settings_t old;
	int had = enrol_settings_load(cx, a->id, &old);
	if (!s.open && *cap == '\0')
		cap = had == 1 ? arena_printf(ar, "%lld", (long long)old.capacity)
		               : "1"; /* closing */
	if (text_parse_int(cap, strlen(cap), &s.capacity) < 0 || s.capacity < 1 ||
	    s.capacity > ENROL_CAPACITY_MAX)
		add_err(out, "enrol_capacity",
		        *cap ? arena_printf(
		                       ar,
		                       "Số chỗ “%s” không hợp lệ: hãy nhập một số nguyên dương "
		                       "(1–10.000).",
		                       cap)
		             : "Số chỗ: hãy nhập số học viên tối đa của lớp (1–10.000).");
	const char *dd = trimmed(ar, in->deadline_date), *dt = trimmed(ar, in->deadline_time);
	if (*dd) {
		int32_t day;
		int minutes = 23 * 60 + 59;
		if (when_parse_date(dd, strlen(dd), &day) < 0 ||
		    (*dt && when_parse_time(dt, strlen(dt), &minutes) < 0)) {
			add_err(out, "enrol_deadline",
			        arena_printf(
			                ar,
			                "Hạn đăng ký “%s %s” không hợp lệ: hãy nhập ngày dạng "
			                "dd/mm/yyyy và giờ dạng HH:MM, ví dụ 05/10/2022 17:00.",
			                dd, dt));
		} else {
			s.deadline = activity_vn_time(day, minutes);
			if (s.deadline > a->start_at) {
				buf_t b = BUF_INIT;
				activity_format_hhmm(a->start_at, &b);
				buf_putc(&b, ' ');
				activity_format_date(a->start_at, &b);
				add_err(out, "enrol_deadline",
				        arena_printf(
				                ar,
				                "Hạn đăng ký sau giờ bắt đầu lớp (%s); hãy chọn "
				                "hạn sớm hơn hoặc để trống (hạn là giờ bắt đầu).",
				                buf_cstr(&b)));
				buf_free(&b);
			}
		}
	} else if (*dt) {
		add_err(out, "enrol_deadline",
		        "Hạn đăng ký: đã có giờ nhưng chưa có ngày; hãy nhập cả ngày "
		        "(dd/mm/yyyy).");
	}
	s.contact_name = trimmed(ar, in->contact_name);
	s.contact_phone = trimmed(ar, in->contact_phone);
	s.contact_email = trimmed(ar, in->contact_email);
	if (strlen(s.contact_name) > ENROL_CONTACT_MAX || !clean_text(s.contact_name, 1))
		add_err(out, "enrol_contact_name",
		        "Người liên hệ: hãy nhập họ tên trên một dòng, tối đa 200 ký tự.");
	char ph[11];
	if (*s.contact_phone &&
	    enrol_phone_normalise(s.contact_phone, strlen(s.contact_phone), ph) < 0 &&
	    (strlen(s.contact_phone) > 20 ||
	     strspn(s.contact_phone, "0123456789 .()+-") != strlen(s.contact_phone)))
		add_err(out, "enrol_contact_phone",
		        "Điện thoại liên hệ không hợp lệ: hãy nhập số điện thoại, ví dụ 0912345678 "
		        "hoặc 0225 3123 456.");
	if (*s.contact_email &&
	    (strlen(s.contact_email) > ENROL_CONTACT_MAX || !email_ok(s.contact_email)))
		add_err(out, "enrol_contact_email",
		        "Thư điện tử liên hệ không hợp lệ: hãy nhập dạng ten@donvi.edu.vn hoặc để "
		        "trống.");
	if (s.open && !*s.contact_name && !*s.contact_phone && !*s.contact_email)
		add_err(out, "enrol_contact_name",
		        "Liên hệ: lớp mở đăng ký cần ít nhất một cách liên hệ (tên, điện thoại "
		        "hoặc "
		        "thư điện tử) để người học hỏi thêm.");
	if (out->nerrs)
		return invalid(out);
	/* more places move the waiting list up, in order, in the same transaction */
	if (store_tx_begin(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không lưu được cài đặt đăng ký; hãy thử lại.");
	if (store_enrol_settings_put(cx->store, &s) < 0 ||
	    (s.open && promote_waiting(cx, a->id, s.capacity, &out->promoted_id) < 0)) {
		store_tx_rollback(cx->store);
		return fail(out, ENROL_ERR_STORE, "Không lưu được cài đặt đăng ký; hãy thử lại.");
	}
	if (store_tx_commit(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không lưu được cài đặt đăng ký; hãy thử lại.");
	out->message =
	        s.open ? "Đã lưu: lớp đang nhận đăng ký." : "Đã lưu: lớp không nhận đăng ký.";
	return ENROL_OK;
}

typedef struct settings_copy {
	arena_t *a;
	store_enrol_settings_t *s;
} settings_copy_t;

static int
copy_settings(const store_enrol_settings_t *s, void *p)
{
	settings_copy_t *c = p;
	*c->s = *s;
	c->s->contact_name = arena_strdup(c->a, s->contact_name);
	c->s->contact_phone = arena_strdup(c->a, s->contact_phone);
	c->s->contact_email = arena_strdup(c->a, s->contact_email);
	return 0;
}

int
enrol_settings_load(const enrol_ctx_t *cx, int64_t activity_id, store_enrol_settings_t *s)
{
	settings_copy_t c = {cx->arena, s};
	memset(s, 0, sizeof *s);
	return store_enrol_settings_get(cx->store, activity_id, copy_settings, &c);
}

int64_t
enrol_deadline(const store_enrol_settings_t *s, const store_activity_t *a)
{
	return s->deadline > 0 ? s->deadline : a->start_at;
}

/* ---- the list ---- */

typedef struct list_acc {
	arena_t *a;
	enrol_row_t *rows;
	size_t n, cap;
} list_acc_t;

static int
collect_row(const store_enrolment_t *e, void *p)
{
	list_acc_t *l = p;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		enrol_row_t *r = arena_alloc(l->a, cap * sizeof *r);
		if (l->n)
			memcpy(r, l->rows, l->n * sizeof *r);
		l->rows = r;
		l->cap = cap;
	}
	enrol_row_t *r = &l->rows[l->n++];
	r->e = *e;
	r->e.code = arena_strdup(l->a, e->code);
	r->e.name = arena_strdup(l->a, e->name);
	r->e.phone = arena_strdup(l->a, e->phone);
	r->e.note = arena_strdup(l->a, e->note);
	r->e.status = arena_strdup(l->a, e->status);
	r->position = 0;
	return 0;
}

static int
status_rank(const char *s)
{
	return !strcmp(s, "enrolled") ? 0 : !strcmp(s, "waiting") ? 1 : 2;
}

static int
row_cmp(const void *x, const void *y)
{
	const enrol_row_t *a = x, *b = y;
	int ra = status_rank(a->e.status), rb = status_rank(b->e.status);
	if (ra != rb)
		return ra - rb;
	return a->e.id < b->e.id ? -1 : a->e.id > b->e.id;
}

int
enrol_list(const enrol_ctx_t *cx, int64_t activity_id, enrol_list_t *out)
{
	list_acc_t l = {.a = cx->arena};
	memset(out, 0, sizeof *out);
	if (store_enrolments_of(cx->store, activity_id, collect_row, &l) < 0)
		return -1;
	if (l.n)
		qsort(l.rows, l.n, sizeof *l.rows, row_cmp);
	for (size_t i = 0; i < l.n; i++) {
		enrol_row_t *r = &l.rows[i];
		if (!strcmp(r->e.status, "enrolled"))
			out->enrolled++;
		else if (!strcmp(r->e.status, "waiting"))
			r->position = ++out->waiting;
		else
			out->cancelled++;
		if (r->e.attended && strcmp(r->e.status, "cancelled"))
			out->attended++;
	}
	out->rows = l.rows;
	out->n = l.n;
	return 0;
}

/* Moves the first waiting (by arrival) to enrolled while places remain, promoted_at = now
 * (to be told); *first: the first moved, 0 none. Inside the caller's transaction. 0 or -1. */
static int
promote_waiting(const enrol_ctx_t *cx, int64_t activity_id, int64_t capacity, int64_t *first)
{
	enrol_list_t l;
	*first = 0;
	if (enrol_list(cx, activity_id, &l) < 0)
		return -1;
	int64_t free_places = capacity - l.enrolled;
	for (size_t i = 0; i < l.n && free_places > 0; i++) {
		const store_enrolment_t *e = &l.rows[i].e;
		if (strcmp(e->status, "waiting"))
			continue;
		if (store_enrolment_update(cx->store, activity_id, e->id, "enrolled", e->attended,
		                           cx->now, cx->now) != 1)
			return -1;
		if (*first == 0)
			*first = e->id;
		free_places--;
	}
	return 0;
}

/* ---- citizens ---- */

static enrol_rc_t
check_open(const enrol_ctx_t *cx, const store_activity_t *a, store_enrol_settings_t *s,
           enrol_outcome_t *out)
{
	int rc = enrol_settings_load(cx, a->id, s);
	if (rc < 0)
		return fail(out, ENROL_ERR_STORE, "Không đọc được thông tin lớp; hãy thử lại sau.");
	if (rc == 0 || !s->open || !a->is_public || !enrol_kind_ok(a->kind))
		return fail(out, ENROL_ERR_NOT_FOUND, "Lớp này không nhận đăng ký qua trang này.");
	if (!strcmp(a->status, "cancelled"))
		return fail(out, ENROL_ERR_CLOSED, "Lớp này đã hủy; không nhận đăng ký.");
	int64_t dl = enrol_deadline(s, a);
	if (cx->now >= dl) {
		buf_t b = BUF_INIT;
		activity_format_hhmm(dl, &b);
		buf_putc(&b, ' ');
		activity_format_date(dl, &b);
		out->message = arena_printf(cx->arena, "Đã hết hạn đăng ký lớp này (hạn: %s).",
		                            buf_cstr(&b));
		buf_free(&b);
		return ENROL_ERR_CLOSED;
	}
	return ENROL_OK;
}

static const char phone_refused[] =
        "Số điện thoại: số này không đăng ký thêm được vào lớp này (mỗi số chỉ đăng ký một lần "
        "cho một lớp và nhiều nhất 5 lớp trong 24 giờ). Nếu bạn đã đăng ký, hãy giữ mã xác "
        "nhận đã nhận; cần giúp, hãy liên hệ đơn vị tổ chức.";

typedef struct phone_scan {
	const char *phone;
	int found;
	int64_t enrolled;
} phone_scan_t;

static int
scan_phone(const store_enrolment_t *e, void *p)
{
	phone_scan_t *s = p;
	if (!strcmp(e->status, "cancelled"))
		return 0;
	if (!strcmp(e->status, "enrolled"))
		s->enrolled++;
	if (!strcmp(e->phone, s->phone))
		s->found = 1;
	return 0;
}

static enrol_rc_t
check_person(const enrol_ctx_t *cx, const enrol_input_t *in, store_enrolment_t *e,
             enrol_outcome_t *out)
{
	arena_t *ar = cx->arena;
	e->name = trimmed(ar, in->name);
	size_t nl = strlen(e->name);
	const char *why;
	if (nl == 0)
		add_err(out, "name", "Họ và tên: hãy nhập họ và tên của người học.");
	else if (nl < 2)
		add_err(out, "name",
		        "Họ và tên không hợp lệ: hãy nhập họ và tên trên một dòng, 2–100 ký tự.");
	else if ((why = text_clean_field(ar, "Họ và tên", e->name, TEXT_NAME | TEXT_TRIM,
	                                 ENROL_NAME_MAX, &e->name)) != NULL)
		add_err(out, "name", why); /* control, bidi or invisible characters; the limit */
	const char *ph = trimmed(ar, in->phone);
	char norm[11];
	if (*ph == '\0')
		add_err(out, "phone",
		        "Số điện thoại: hãy nhập số di động để đơn vị liên hệ, ví dụ 0912345678.");
	else if (enrol_phone_normalise(ph, strlen(ph), norm) < 0)
		add_err(out, "phone",
		        "Số điện thoại không hợp lệ: hãy nhập số di động Việt Nam 10 chữ số, ví dụ "
		        "0912345678 hoặc +84 912 345 678.");
	else
		e->phone = arena_strdup(ar, norm);
	const char *by = trimmed(ar, in->birth_year);
	if (*by) {
		int32_t today;
		int mins, y, m, d;
		activity_vn_split(cx->now, &today, &mins);
		text_civil_from_days(today, &y, &m, &d);
		if (text_parse_int(by, strlen(by), &e->birth_year) < 0 || e->birth_year < 1900 ||
		    e->birth_year > y)
			add_err(out, "birth_year",
			        arena_printf(
			                ar,
			                "Năm sinh “%s” không hợp lệ: hãy nhập 4 chữ số, từ 1900 "
			                "đến %d, hoặc để trống.",
			                by, y));
	}
	why = text_clean_field(ar, "Ghi chú", in->note, TEXT_MULTILINE | TEXT_TRIM, ENROL_NOTE_MAX,
	                       &e->note);
	if (why)
		add_err(out, "note", why);
	if (!checked(in->consent))
		add_err(out, "consent",
		        "Đồng ý lưu thông tin: hãy đánh dấu ô đồng ý để đơn vị lưu họ tên và số "
		        "điện thoại của bạn cho lớp học này.");
	return out->nerrs ? invalid(out) : ENROL_OK;
}

static void
set_position(const enrol_ctx_t *cx, int64_t activity_id, enrol_outcome_t *out)
{
	enrol_list_t l;
	out->position = 0;
	if (strcmp(out->status, "waiting") || enrol_list(cx, activity_id, &l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++)
		if (l.rows[i].e.id == out->id)
			out->position = l.rows[i].position;
}

static const char *
status_message(arena_t *a, const enrol_outcome_t *o)
{
	if (!strcmp(o->status, "enrolled"))
		return "Bạn đã được nhận vào lớp.";
	if (!strcmp(o->status, "waiting"))
		return arena_printf(a, "Lớp đã đủ chỗ: bạn ở vị trí %lld trong danh sách chờ.",
		                    (long long)o->position);
	return "Đăng ký này đã hủy.";
}

enrol_rc_t
enrol_join(const enrol_ctx_t *cx, const store_activity_t *a, const enrol_input_t *in,
           enrol_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	store_enrol_settings_t s;
	enrol_rc_t rc = check_open(cx, a, &s, out);
	if (rc != ENROL_OK)
		return rc;
	char code[ENROL_CODE_LEN + 1];
	if (in->website && *in->website) {
		/* a bot: it is told what a person would be, and nothing is kept */
		enrol_code_new(code);
		out->code = arena_strdup(cx->arena, code);
		out->status = "enrolled";
		out->message = status_message(cx->arena, out);
		return ENROL_OK;
	}
	store_enrolment_t e = {.activity_id = a->id, .created_at = cx->now};
	if ((rc = check_person(cx, in, &e, out)) != ENROL_OK)
		return rc;
	if (store_tx_begin(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE,
		            "Không ghi được đăng ký; hãy thử lại sau ít phút.");
	phone_scan_t ps = {.phone = e.phone};
	int64_t today = 0;
	if (store_enrolments_of(cx->store, a->id, scan_phone, &ps) < 0 ||
	    store_enrol_phone_since(cx->store, e.phone, cx->now - 24 * 3600, &today) < 0) {
		store_tx_rollback(cx->store);
		return fail(out, ENROL_ERR_STORE,
		            "Không ghi được đăng ký; hãy thử lại sau ít phút.");
	}
	if (ps.found || today >= ENROL_PHONE_PER_DAY) {
		store_tx_rollback(cx->store);
		add_err(out, "phone", phone_refused);
		return fail(out, ENROL_ERR_PHONE, phone_refused);
	}
	e.status = ps.enrolled < s.capacity ? "enrolled" : "waiting";
	int src = -3;
	for (int tries = 0; src == -3 && tries < 5; tries++) {
		enrol_code_new(code);
		e.code = code;
		src = store_enrolment_add(cx->store, &e, &out->id);
	}
	if (src < 0 || store_tx_commit(cx->store) < 0) {
		if (src < 0)
			store_tx_rollback(cx->store);
		return fail(out, ENROL_ERR_STORE,
		            "Không ghi được đăng ký; hãy thử lại sau ít phút.");
	}
	out->code = arena_strdup(cx->arena, code);
	out->status = e.status;
	set_position(cx, a->id, out);
	out->message = status_message(cx->arena, out);
	return ENROL_OK;
}

typedef struct code_find {
	arena_t *a;
	store_enrolment_t e;
} code_find_t;

static int
copy_one(const store_enrolment_t *e, void *p)
{
	code_find_t *f = p;
	f->e = *e;
	f->e.code = arena_strdup(f->a, e->code);
	f->e.phone = arena_strdup(f->a, e->phone);
	f->e.status = arena_strdup(f->a, e->status);
	f->e.name = f->e.note = "";
	return 0;
}

/* The enrolment with that (typed) code in activity_id: 1, 0 none, -1 error. */
static int
find_code(const enrol_ctx_t *cx, int64_t activity_id, const char *typed, code_find_t *f)
{
	char code[ENROL_CODE_LEN + 1];
	f->a = cx->arena;
	if (enrol_code_normalise(typed, code) < 0)
		return 0;
	int rc = store_enrolment_by_code(cx->store, code, copy_one, f);
	if (rc == 1 && (f->e.activity_id != activity_id || f->e.purged_at))
		rc = 0;
	return rc;
}

enrol_rc_t
enrol_status(const enrol_ctx_t *cx, int64_t activity_id, const char *code, enrol_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	code_find_t f;
	int rc = find_code(cx, activity_id, code, &f);
	if (rc < 0)
		return fail(out, ENROL_ERR_STORE, "Không đọc được đăng ký; hãy thử lại sau.");
	if (rc == 0)
		return fail(out, ENROL_ERR_NOT_FOUND, "Không có đăng ký nào với mã này ở lớp này.");
	out->code = f.e.code;
	out->status = f.e.status;
	out->id = f.e.id;
	set_position(cx, activity_id, out);
	out->message = status_message(cx->arena, out);
	return ENROL_OK;
}

enrol_rc_t
enrol_cancel(const enrol_ctx_t *cx, int64_t activity_id, const char *code, const char *phone4,
             enrol_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	static const char wrong[] = "Mã xác nhận hoặc 4 số cuối điện thoại không đúng; hãy kiểm "
	                            "tra lại mã đã nhận khi đăng ký.";
	const char *p4 = phone4 ? phone4 : "";
	int digits = strlen(p4) == 4 && strspn(p4, "0123456789") == 4;
	if (store_tx_begin(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không hủy được đăng ký; hãy thử lại sau.");
	code_find_t f;
	int rc = find_code(cx, activity_id, code, &f);
	if (rc < 0) {
		store_tx_rollback(cx->store);
		return fail(out, ENROL_ERR_STORE, "Không hủy được đăng ký; hãy thử lại sau.");
	}
	if (rc == 0 || !digits || strlen(f.e.phone) < 4 ||
	    strcmp(f.e.phone + strlen(f.e.phone) - 4, p4) != 0) {
		store_tx_rollback(cx->store);
		add_err(out, "code", wrong);
		add_err(out, "phone4", wrong);
		return fail(out, ENROL_ERR_INVALID, wrong);
	}
	out->code = f.e.code;
	out->id = f.e.id;
	out->status = "cancelled";
	if (!strcmp(f.e.status, "cancelled")) {
		store_tx_rollback(cx->store);
		out->message = "Đăng ký này đã được hủy trước đó.";
		return ENROL_OK;
	}
	int was_enrolled = !strcmp(f.e.status, "enrolled");
	store_enrol_settings_t st;
	int err = store_enrolment_update(cx->store, activity_id, f.e.id, "cancelled", 0, cx->now,
	                                 f.e.promoted_at) != 1;
	/* the place it frees goes to the first in line */
	if (!err && was_enrolled && enrol_settings_load(cx, activity_id, &st) == 1)
		err = promote_waiting(cx, activity_id, st.capacity, &out->promoted_id) < 0;
	if (err) {
		store_tx_rollback(cx->store);
		return fail(out, ENROL_ERR_STORE, "Không hủy được đăng ký; hãy thử lại sau.");
	}
	if (store_tx_commit(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không hủy được đăng ký; hãy thử lại sau.");
	out->message = "Đã hủy đăng ký. Cảm ơn bạn đã báo để nhường chỗ cho người khác.";
	return ENROL_OK;
}

/* ---- attendance ---- */

static int
in_ids(int64_t id, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

enrol_rc_t
enrol_attendance(const enrol_ctx_t *cx, const store_activity_t *a, const int64_t *ids, size_t n,
                 enrol_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	if (!strcmp(a->status, "cancelled"))
		return fail(out, ENROL_ERR_CLOSED, "Lớp đã hủy; không điểm danh được.");
	if (a->start_at > cx->now)
		return fail(out, ENROL_ERR_CLOSED,
		            "Lớp chưa bắt đầu; hãy điểm danh từ giờ bắt đầu lớp trở đi.");
	if (store_tx_begin(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không lưu được điểm danh; hãy thử lại.");
	enrol_list_t l;
	int err = enrol_list(cx, a->id, &l) < 0;
	for (size_t i = 0; !err && i < l.n; i++) {
		const store_enrolment_t *e = &l.rows[i].e;
		if (!strcmp(e->status, "cancelled"))
			continue;
		int att = in_ids(e->id, ids, n);
		out->attended += att;
		if (att != e->attended)
			err = store_enrolment_update(cx->store, a->id, e->id, e->status, att,
			                             cx->now, e->promoted_at) != 1;
	}
	/* the attendance is the class's actual participants: the results form's pre-fill
	 * reads them from there (docs/activities.md) */
	store_activity_t up = *a;
	up.status = "held";
	up.actual = out->attended;
	up.updated_at = cx->now;
	up.updated_by = cx->actor_id;
	int src = err ? -1 : store_activity_save(cx->store, &up, a->version, NULL, NULL);
	if (src < 0) {
		store_tx_rollback(cx->store);
		if (src == -2)
			return fail(
			        out, ENROL_ERR_STALE,
			        "Hoạt động vừa được người khác sửa; chưa có gì được lưu. Hãy tải "
			        "lại trang rồi điểm danh lại.");
		return fail(out, ENROL_ERR_STORE, "Không lưu được điểm danh; hãy thử lại.");
	}
	if (store_tx_commit(cx->store) < 0)
		return fail(out, ENROL_ERR_STORE, "Không lưu được điểm danh; hãy thử lại.");
	out->message = arena_printf(cx->arena,
	                            "Đã lưu điểm danh: %lld người tham gia (số người tham gia "
	                            "của hoạt động đã được cập nhật).",
	                            (long long)out->attended);
	return ENROL_OK;
}

/* ---- retention ---- */

int
enrol_purge(const enrol_ctx_t *cx, int days, int64_t *n)
{
	if (days < 1)
		days = 1;
	*n = 0;
	return store_enrol_purge(cx->store, cx->now - (int64_t)days * 24 * 3600, cx->now, n);
}
