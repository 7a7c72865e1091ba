/* schedule.c - learning-rate schedules */
#include <string.h>

#include "schedule.h"

const struct sv_schedule_def sv_schedules[] = {
	{ SV_SCHED_CONST, "const", "the recipe's lr every epoch" },
	{ SV_SCHED_PICARD, "picard", "the study's ramp: 0.5e/3+0.01 for e<4, then "
	  "0.5(22-e)/19+0.01, 0.01 from epoch 22" },
	{ SV_SCHED_CONST, NULL, NULL }
};

int
sv_schedule_parse(const char *name, enum sv_schedule *s)
{
	for (const struct sv_schedule_def *d = sv_schedules; d->name; d++)
		if (strcmp(d->name, name) == 0) {
			*s = d->id;
			return 0;
		}
	return -1;
}

const char *
sv_schedule_name(enum sv_schedule s)
{
	for (const struct sv_schedule_def *d = sv_schedules; d->name; d++)
		if (d->id == s)
			return d->name;
	return "?";
}

float
sv_lr_factor(enum sv_schedule s, int e, int epochs)
{
	(void)epochs;
	if (s == SV_SCHED_PICARD) {
		/* the study's per-epoch multiplier (22 epochs; held at 0.01
		 * from epoch 22 on in the long study) */
		if (e < 4)
			return 0.5f * (float)e / 3.0f + 0.01f;
		if (e < 22)
			return 0.5f * (float)(22 - e) / 19.0f + 0.01f;
		return 0.01f;
	}
	return 1.0f;
}
