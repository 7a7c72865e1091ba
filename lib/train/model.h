/* model.h - the models sv-train can train (one table) and their recipes */
#ifndef SV_MODEL_H
#define SV_MODEL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "schedule.h"

enum sv_op {
	SV_OP_CONV,   /* conv3x3 pad 1; arg = output channels; bias flag */
	SV_OP_RELU,
	SV_OP_POOL,   /* maxpool 2x2 stride 2 */
	SV_OP_LINEAR, /* flatten then linear; arg = outputs; bias flag */
	SV_OP_BN,     /* BatchNorm2d, eps 1e-5, momentum 0.1, weight 1 */
	SV_OP_GMAX,   /* global max pool */
	SV_OP_SCALE,  /* multiply by scale */
	SV_OP_SAVE,   /* remember this activation for a residual add */
	SV_OP_ADD     /* add the most recently saved activation */
};

struct sv_layer_def {
	enum sv_op op;
	int arg;
	int bias;
	float scale;
};

/* A recipe: the defaults each model trains with. */
struct sv_recipe {
	int epochs, batch;
	float lr, momentum, wd;
	int nesterov;
	enum sv_schedule schedule;
	float ls_weight, ls_eps; /* loss = CE + ls_weight * smoothed CE */
	int augment;             /* crop/flip/cutout per chunk of 500 */
	int drop_last;           /* drop the last partial batch */
};

struct sv_model_def {
	const char *name;
	const char *help;
	const char *data;        /* default dataset spec */
	int in_h, in_w, in_c;    /* 0: take the dataset's */
	const struct sv_layer_def *layers;
	int nlayers;
	struct sv_recipe recipe;
};

extern const struct sv_model_def sv_models[];
/* sv-train --list: the models with their recipes, the schedules and the
 * datasets, on fp. */
void sv_train_list(FILE *fp);
const struct sv_model_def *sv_model_find(const char *name);

#endif
