/* transfer.h - starting seeds from a checkpoint: --init-from, --reinit,
 * --freeze
 *
 * A layer is named by the part of its tensors' names before the first
 * '.' ("conv1" for conv1.weight and conv1.bias), as checkpoints and
 * `sv-train --list-layers` show them.
 */
#ifndef SV_TRANSFER_H
#define SV_TRANSFER_H

#include <stddef.h>

#include "formats/ckpt.h"
#include "net.h"

struct sv_transfer {
	struct sv_ckpt from;      /* the source checkpoint; ntensor 0: none */
	char from_hash[33];       /* its weight hash (sv_tensor_hash) */
	char *reinit;             /* comma list of layers, or NULL */
	char *freeze;             /* comma list of layers, or NULL */
};

/* Set up t: read the checkpoint at path (NULL: none) and check, against
 * a network of the run (net), that every layer named in reinit and freeze
 * exists and that every tensor not re-initialised is in the checkpoint
 * with the same shape.  Returns 0, 2 (a bad checkpoint, an unknown layer,
 * a tensor missing or of another shape: err names it) or 3 (the file
 * cannot be read). */
int sv_transfer_init(struct sv_transfer *t, const char *path,
                     const char *reinit, const char *freeze,
                     const struct sv_net *net, char *err, size_t errsz);
void sv_transfer_free(struct sv_transfer *t);

/* After sv_net_init_weights(): copy the checkpoint's tensors into every
 * tensor of net not re-initialised, and mark the frozen layers' tensors
 * (sv_net_sgd leaves them as they are). */
void sv_transfer_apply(const struct sv_transfer *t, struct sv_net *net);

/* Does the comma list have the layer of tensor name?  (NULL: no) */
int sv_layer_listed(const char *list, const char *tensor_name);

#endif
