/* See audit.h. */
#include "domain/audit.h"

#include "core/buf.h"
#include "core/log.h"

int
audit_write(store_t *st, const unit_tree_t *t, const audit_actor_t *by, int64_t at,
            const audit_entry_t *e)
{
	int32_t unit = e->unit;
	if (unit < 0 || unit >= t->n)
		unit = 0;
	buf_t path = BUF_INIT;
	unit_tree_path(t, unit, &path);
	store_audit_t row = {
	        .at = at,
	        .actor_id = by ? by->user_id : 0,
	        .actor_name = by && by->name ? by->name : "",
	        .unit_id = t->units[unit].id,
	        .unit_path = buf_cstr(&path),
	        .action = e->action,
	        .target = e->target ? e->target : "",
	        .old_value = e->old_value ? e->old_value : "",
	        .new_value = e->new_value ? e->new_value : "",
	        .ip = by && by->ip ? by->ip : "",
	};
	int rc = store_audit_append(st, &row);
	buf_free(&path);
	if (rc < 0) {
		log_error("audit: could not record %s", e->action);
		return -1;
	}
	return 0;
}
