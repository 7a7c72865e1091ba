/* model.c - the models sv-train can train (one table) and their recipes */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "dataset.h"

#define L(op, arg, bias) { SV_OP_##op, arg, bias, 1.0f }

static const struct sv_layer_def mlp_layers[] = {
	L(LINEAR, 64, 1), L(RELU, 0, 0), L(LINEAR, 0, 1),
};

/* fmnist-small, the CPU reference workload (sv-train(1)) */
static const struct sv_layer_def fmnist_small_layers[] = {
	L(CONV, 16, 1), L(RELU, 0, 0), L(POOL, 0, 0),
	L(CONV, 32, 1), L(RELU, 0, 0), L(POOL, 0, 0),
	L(LINEAR, 0, 1),
};

/* The paper's CIFAR-10 network (Page's ResNet-9 shape) */
#define CBR(k) L(CONV, k, 0), L(BN, 0, 0), L(RELU, 0, 0)
static const struct sv_layer_def resnet9_layers[] = {
	CBR(64),
	CBR(128), L(POOL, 0, 0), L(SAVE, 0, 0), CBR(128), CBR(128), L(ADD, 0, 0),
	CBR(256), L(POOL, 0, 0),
	CBR(512), L(POOL, 0, 0), L(SAVE, 0, 0), CBR(512), CBR(512), L(ADD, 0, 0),
	L(GMAX, 0, 0), L(LINEAR, 0, 0), { SV_OP_SCALE, 0, 0, 0.2f },
};

#define N_(a) (int)(sizeof(a) / sizeof(a)[0])
/* arg 0 on the last LINEAR means "the number of classes" */
const struct sv_model_def sv_models[] = {
	{ "mlp", "784-64-10 perceptron, for tests", "fashion-mnist", 0, 0, 0,
	  mlp_layers, N_(mlp_layers),
	  { 1, 128, 0.05f, 0.9f, 5e-4f, 1, SV_SCHED_CONST, 0, 0, 0, 0 } },
	{ "fmnist-small", "conv16-pool-conv32-pool-linear, the reference "
	  "workload", "fashion-mnist", 0, 0, 0,
	  fmnist_small_layers, N_(fmnist_small_layers),
	  { 1, 128, 0.05f, 0.9f, 5e-4f, 1, SV_SCHED_CONST, 0, 0, 0, 0 } },
	{ "resnet9", "the paper's CIFAR-10 ResNet-9 and recipe", "cifar10",
	  0, 0, 0, resnet9_layers, N_(resnet9_layers),
	  { 22, 500, 0.2f, 0.9f, 1e-3f, 1, SV_SCHED_PICARD, 2.0f, 0.2f, 1, 1 } },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, 0, { 0 } }
};

const struct sv_model_def *
sv_model_find(const char *name)
{
	for (const struct sv_model_def *m = sv_models; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

void
sv_train_list(FILE *fp)
{
	fprintf(fp, "models:\n");
	for (const struct sv_model_def *m = sv_models; m->name; m++)
		fprintf(fp, "  %-14s %s\n  %-14s data %s, epochs %d, batch %d, "
		        "lr %g, momentum %g%s, wd %g, schedule %s%s\n", m->name,
		        m->help, "", m->data, m->recipe.epochs, m->recipe.batch,
		        (double)m->recipe.lr, (double)m->recipe.momentum,
		        m->recipe.nesterov ? " (nesterov)" : "",
		        (double)m->recipe.wd, sv_schedule_name(m->recipe.schedule),
		        m->recipe.augment ? ", augment" : "");
	fprintf(fp, "schedules:\n");
	for (const struct sv_schedule_def *d = sv_schedules; d->name; d++)
		fprintf(fp, "  %-14s %s\n", d->name, d->help);
	fprintf(fp, "datasets:\n");
	for (const struct sv_dataset_def *d = sv_datasets; d->name; d++)
		fprintf(fp, "  %-14s %s%s%s\n", d->name, d->help,
		        d->default_path && *d->default_path ? "; default " : "",
		        d->default_path && *d->default_path ? d->default_path : "");
}
