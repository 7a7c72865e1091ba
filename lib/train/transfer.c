/* transfer.c - a checkpoint's weights as the start of every seed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "transfer.h"

int
sv_layer_listed(const char *list, const char *name)
{
	size_t ln = strcspn(name, ".");
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == ln && strncmp(p, name, n) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Is every layer of the comma list a layer of net?  0, or 2 with err. */
static int
layers_exist(const char *opt, const char *list, const struct sv_net *net,
             char *err, size_t errsz)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		int found = 0;

		for (size_t i = 0; i < net->nparam && !found; i++)
			found = strcspn(net->param[i].name, ".") == n &&
			        strncmp(net->param[i].name, p, n) == 0;
		if (!found || n == 0)
			return sv_seterr(err, errsz, SV_EXIT_USAGE, "option --%s: "
			                 "model %s has no layer '%.*s' (see "
			                 "--list-layers)", opt, net->def->name, (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	return SV_EXIT_OK;
}

static const struct sv_tensor *
find(const struct sv_ckpt *c, const char *name)
{
	for (size_t i = 0; i < c->ntensor; i++)
		if (strcmp(c->t[i].name, name) == 0)
			return &c->t[i];
	return NULL;
}

static int
same_shape(const struct sv_tensor *a, const struct sv_tensor *b)
{
	if (a->ndim != b->ndim)
		return 0;
	for (uint32_t d = 0; d < a->ndim; d++)
		if (a->dim[d] != b->dim[d])
			return 0;
	return 1;
}

static void
shape(const struct sv_tensor *t, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t d = 0; d < t->ndim && len < n; d++)
		len += (size_t)snprintf(buf + len, n - len, "%s%llu", d ? "x" : "",
		                        (unsigned long long)t->dim[d]);
}

int
sv_transfer_init(struct sv_transfer *t, const char *path, const char *reinit,
                 const char *freeze, const struct sv_net *net, char *err,
                 size_t errsz)
{
	int rc;

	memset(t, 0, sizeof *t);
	if ((rc = layers_exist("reinit", reinit, net, err, errsz)) != 0 ||
	    (rc = layers_exist("freeze", freeze, net, err, errsz)) != 0)
		return rc;
	t->reinit = reinit ? sv_strdup(reinit) : NULL;
	t->freeze = freeze ? sv_strdup(freeze) : NULL;
	if (!path)
		return SV_EXIT_OK;
	if ((rc = sv_ckpt_read_file(path, &t->from, err, errsz)) != 0) {
		sv_transfer_free(t);
		return rc == SV_CKPT_EIO ? SV_EXIT_ENV : SV_EXIT_USAGE;
	}
	sv_tensor_hash(t->from.t, t->from.ntensor, t->from_hash);
	for (size_t i = 0; i < net->nparam; i++) {
		const struct sv_tensor *mine = &net->param[i], *src;
		char a[64], b[64];

		if (sv_layer_listed(t->reinit, mine->name))
			continue;
		if (!(src = find(&t->from, mine->name))) {
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "--init-from %s: no "
			               "tensor '%s' (re-initialise its layer with "
			               "--reinit)", path, mine->name);
			break;
		}
		if (!same_shape(mine, src)) {
			shape(mine, a, sizeof a);
			shape(src, b, sizeof b);
			rc = sv_seterr(err, errsz, SV_EXIT_USAGE, "--init-from %s: "
			               "tensor '%s' is %s there, %s in model %s "
			               "(re-initialise its layer with --reinit)", path,
			               mine->name, b, a, net->def->name);
			break;
		}
	}
	if (rc)
		sv_transfer_free(t);
	return rc;
}

void
sv_transfer_free(struct sv_transfer *t)
{
	sv_ckpt_free(&t->from);
	free(t->reinit);
	free(t->freeze);
	memset(t, 0, sizeof *t);
}

void
sv_transfer_apply(const struct sv_transfer *t, struct sv_net *net)
{
	for (size_t i = 0; i < net->nparam; i++) {
		struct sv_tensor *mine = &net->param[i];
		const struct sv_tensor *src;

		if (i < net->ntrain)
			net->frozen[i] = (char)sv_layer_listed(t->freeze, mine->name);
		if (t->from.ntensor && !sv_layer_listed(t->reinit, mine->name) &&
		    (src = find(&t->from, mine->name)))
			memcpy(mine->data, src->data,
			       sv_tensor_count(mine) * sizeof(float));
	}
}
