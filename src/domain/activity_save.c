/* An activity saved with its audit entry in one transaction (activity.h). */
#include <stdio.h>

#include "domain/activity.h"

int
activity_save(store_t *st, const unit_tree_t *t, const store_activity_t *a,
              int64_t expected_version, const audit_actor_t *by, const audit_entry_t *e,
              int64_t *id, int64_t *version, char *err, size_t errlen)
{
	int64_t nid = 0, nv = 0;
	if (store_tx_begin(st) < 0)
		goto fail;
	int rc = store_activity_save(st, a, expected_version, &nid, &nv);
	if (rc < 0) {
		store_tx_rollback(st);
		if (rc == -2) {
			snprintf(err, errlen,
			         "Hoạt động vừa được người khác sửa; chưa có gì được lưu. Hãy tải "
			         "lại trang rồi sửa lại.");
			return -2;
		}
		goto fail;
	}
	char target[40];
	audit_entry_t w = *e;
	if (w.target == NULL) {
		snprintf(target, sizeof target, "activity:%lld", (long long)nid);
		w.target = target;
	}
	if (audit_write(st, t, by, a->updated_at, &w) < 0) {
		store_tx_rollback(st);
		goto fail;
	}
	if (store_tx_commit(st) < 0)
		goto fail;
	*id = nid;
	*version = nv;
	return 0;
fail:
	snprintf(err, errlen,
	         "Không lưu được hoạt động (lỗi cơ sở dữ liệu); chưa có gì được lưu, hãy thử "
	         "lại.");
	return -1;
}
