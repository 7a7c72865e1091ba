/* schedule.h - learning-rate schedules: one table gives their names, help
 * and per-epoch multipliers */
#ifndef SV_SCHEDULE_H
#define SV_SCHEDULE_H

enum sv_schedule { SV_SCHED_CONST, SV_SCHED_PICARD };

struct sv_schedule_def {
	enum sv_schedule id;
	const char *name;
	const char *help;
};

/* The schedules, ending with a NULL name. */
extern const struct sv_schedule_def sv_schedules[];

/* Look a name up: 0 and *s set, or -1 for an unknown name. */
int sv_schedule_parse(const char *name, enum sv_schedule *s);
const char *sv_schedule_name(enum sv_schedule s);

/* The learning-rate multiplier of epoch e (0-based) of a run of epochs. */
float sv_lr_factor(enum sv_schedule s, int e, int epochs);

#endif
