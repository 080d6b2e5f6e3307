/* libFuzzer driver for the chase schedule's parser (service/chase.c), what an issuer types in
 * "Nhắc vào các ngày": arbitrary bytes either parse into at most CHASE_MAX_DAYS distinct
 * offsets in -60..60, ascending, whose formatted text parses back to the same schedule, or are
 * refused with a Vietnamese message naming the field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/chase.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	chase_schedule_t a, b;
	char err[300] = "";
	if (chase_schedule_parse(s, &a, err, sizeof err) < 0) {
		if (strncmp(err, "Lịch nhắc", strlen("Lịch nhắc")) != 0)
			abort();
		free(s);
		return 0;
	}
	if (a.ndays > CHASE_MAX_DAYS)
		abort();
	for (size_t i = 0; i < a.ndays; i++)
		if (a.days[i] < -60 || a.days[i] > 60 || (i && a.days[i - 1] >= a.days[i]))
			abort();
	char text[128];
	chase_schedule_format(&a, text, sizeof text);
	if (chase_schedule_parse(text, &b, err, sizeof err) < 0 || b.ndays != a.ndays ||
	    memcmp(a.days, b.days, a.ndays * sizeof a.days[0]) != 0)
		abort();
	free(s);
	return 0;
}
