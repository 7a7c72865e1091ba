/* net.h - a network instance of a model: weights, passes, SGD */
#ifndef SV_NET_H
#define SV_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/tensor.h"
#include "model.h"

struct sv_layer; /* internal */

/* A network instance for a fixed batch size and input shape.
 * param[] are trainable tensors, then non-trainable buffers (BatchNorm
 * running statistics); all are hashed and saved in that order. */
struct sv_net {
	const struct sv_model_def *def;
	int nl;
	struct sv_layer *l;
	int batch, in_h, in_w, in_c, nclass;
	size_t nparam, ntrain; /* all tensors; the first ntrain are trained */
	struct sv_tensor *param;
	float **grad;          /* one per trainable tensor */
	float **mom;           /* momentum buffers */
	char *frozen;          /* ntrain flags: 1 = not updated (--freeze) */
	int have_mom;
	float *x;              /* input (batch,H,W,C) */
	float *gbuf[2];        /* gradient ping-pong */
	size_t maxact;
	int nthreads;
};

/* Build the network: shapes checked against the data (err names the
 * problem; returns 0 or 2). */
int sv_net_init(struct sv_net *net, const struct sv_model_def *def,
                int batch, int h, int w, int c, int nclass, int nthreads,
                char *err, size_t errsz);
void sv_net_free(struct sv_net *net);
/* One line a tensor on fp: layer, tensor, shape (dims joined by 'x'),
 * "trained" or "buffer" (sv-train --list-layers). */
void sv_net_list_layers(const struct sv_net *net, FILE *fp);
/* Bytes net holds (weights, gradients, momentum, activations). */
size_t sv_net_bytes(const struct sv_net *net);

/* Initialise the weights from the init stream of seed (PyTorch's default
 * scheme: uniform in +-1/sqrt(fan_in) for weights and biases; BatchNorm
 * weight 1, bias 0, running mean 0, running var 1). */
void sv_net_init_weights(struct sv_net *net, uint64_t seed);

/* Forward pass of the first n (<= batch) inputs in net->x; returns the
 * logits (n, nclass), owned by net. */
const float *sv_net_forward(struct sv_net *net, int n, int train);
/* Backward pass from dlogits (n, nclass) after a training forward pass;
 * fills net->grad.  accumulate != 0 adds to the gradients already there,
 * continuing their sums in order: a batch given as consecutive parts (each
 * forward then backward) gives the bits of one pass over the whole batch.
 * Not for networks with BatchNorm, whose statistics need the whole batch
 * (sv_net_has_batchnorm). */
void sv_net_backward(struct sv_net *net, const float *dlogits, int n,
                     int accumulate);
int sv_net_has_batchnorm(const struct sv_net *net);
/* One SGD step on every trainable tensor not frozen (PyTorch semantics):
 * g = fmaf(wd, p, grad); buf = first ? g : fmaf(mom, buf, g);
 * d = nesterov ? fmaf(mom, buf, g) : buf; p = fmaf(-lr, d, p). */
void sv_net_sgd(struct sv_net *net, float lr, float momentum, float wd,
                int nesterov);

#endif
