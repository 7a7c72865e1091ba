/* test_gpu_open.c - lib/train/gpu.c without a GPU: model support, refusals and
 * the message when the backend, the driver or the GPU is missing */
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#include <stdlib.h>

#include "train/device.h"
#include "train/gpu.h"
#include "train/model.h"
#include "train/train.h"
#include "base/util.h"

static int
supported(const char *model, int h, int w, int c, char *err, size_t errsz)
{
	struct sv_net net;
	int rc;

	if (sv_net_init(&net, sv_model_find(model), 2, h, w, c, 10, 1, err,
	                errsz) != 0)
		return -1;
	rc = sv_gpu_supported(&net, err, errsz);
	sv_net_free(&net);
	return rc;
}

int
main(void)
{
	char err[2048] = "", name[256] = "";
	struct sv_dataset d;
	struct sv_net net;
	struct sv_train_opts o;
	struct sv_train_result r;
	int rc;

	/* good: the models the backend runs */
	is_int(supported("mlp", 28, 28, 1, err, sizeof err), 0, "mlp runs on the GPU");
	is_int(supported("fmnist-small", 28, 28, 1, err, sizeof err), 0,
	       "fmnist-small runs on the GPU");
	is_int(supported("fmnist-small", 9, 7, 3, err, sizeof err), 0,
	       "fmnist-small on odd 9x7x3 images runs on the GPU");
	/* BatchNorm, residuals, the global max pool and the scale too */
	is_int(supported("resnet9", 32, 32, 3, err, sizeof err), 0,
	       "resnet9 runs on the GPU");
	is_int(supported("resnet9", 9, 9, 3, err, sizeof err), 0,
	       "resnet9 on 9x9x3 images runs on the GPU");

	/* the device layer: an unknown kind is refused; the CPU trains a
	 * batch no larger than the network's; without a GPU, "gpu" is 3 */
	if (ok(sv_dataset_load("synthetic:n=20,test=10", &d, err, sizeof err) == 0,
	       "synthetic data") &&
	    ok(sv_net_init(&net, sv_model_find("mlp"), 4, 28, 28, 1, 10, 1, err,
	                   sizeof err) == 0, "mlp built")) {
		struct sv_device dev;

		is_int(sv_device_open(&dev, "tpu", &net, err, sizeof err), 2,
		       "device 'tpu' refused");
		is_str(err, "unknown device 'tpu' (cpu, gpu)", "message");
		is_int(sv_device_open(&dev, "cpu", &net, err, sizeof err), 0,
		       "device 'cpu' opens");
		is_str(dev.kind_name, "cpu", "its record name");
		memset(&o, 0, sizeof o);
		o.r = net.def->recipe;
		o.r.epochs = 1;
		o.r.batch = 8;
		is_int(sv_train_seed_on(&dev, &net, &d, &o, 1, &r), 2,
		       "a batch larger than the network's: 2");
		o.r.batch = 4;
		is_int(sv_train_seed_on(&dev, &net, &d, &o, 1, &r), 0,
		       "the network's batch trains");
		is_int(r.last.total, 10, "and evaluates the test set");
		sv_device_close(&dev);
		rc = sv_device_open(&dev, "gpu", &net, err, sizeof err);
		if (rc == 0) {
			is_str(dev.kind_name, "gpu", "a GPU device: %s", dev.name);
			sv_device_close(&dev);
		} else {
			is_int(rc, 3, "no GPU: device 'gpu' gives 3: %s", err);
		}
		sv_net_free(&net);
		sv_dataset_free(&d);
	}

	/* no GPU here (CI): 3 and what is missing; on a GPU machine: its name */
	rc = sv_gpu_open(name, sizeof name, err, sizeof err);
	if (rc == 0) {
		ok(name[0] != '\0', "a GPU: '%s'", name);
		ok(sv_gpu_api() != NULL, "the backend's table is there");
	} else {
		is_int(rc, 3, "no GPU: exit status 3");
		ok(strncmp(err, "no GPU backend: ", 16) == 0 ||
		   strncmp(err, "no GPU driver: ", 15) == 0 ||
		   strncmp(err, "no usable GPU: ", 15) == 0 ||
		   strcmp(err, "no GPU found") == 0, "says what is missing: %s", err);
		ok(sv_gpu_api() == NULL || strncmp(err, "no GPU backend", 14) != 0,
		   "no table without a backend");
	}
	/* cuDNN (--gpu-math cudnn) is loaded by the backend on demand: a
	 * library that is not there is named in the message (exit 3); a
	 * cuDNN 9 gives its version, no GPU needed (in a child: the load
	 * happens once a process) */
	if (sv_gpu_api() == NULL) {
		printf("ok %d # SKIP no GPU backend built: no cuDNN loader to test\n",
		       ++tap_n);
	} else {
		char ver[64] = "";
		const char *lib = "/usr/local/cuda/lib64/libcudnn.so.9";
		pid_t pid;
		int st = 0, built = 1;

		fflush(stdout);
		if ((pid = fork()) == 0) {
			int got;

			setenv("SV_CUDNN_LIB", "/nonexistent/libcudnn.so.9", 1);
			got = sv_gpu_dnn_version(ver, sizeof ver, err, sizeof err);
			/* 4: nvcc had no cudnn.h (make says so), and the
			 * cudnn modes say how to get them */
			if (got == 3 && strstr(err, "built without cuDNN's "
			    "headers") && strstr(err, "rebuild it where they are"))
				_exit(4);
			_exit(got == 3 && strstr(err, "cannot load cuDNN "
			      "(/nonexistent/libcudnn.so.9)") &&
			      strstr(err, "SV_CUDNN_LIB") ? 0 : 1);
		}
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 4)
			built = 0;
		ok(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || !built),
		   "no cuDNN: exit 3, the library named, SV_CUDNN_LIB suggested%s",
		   built ? "" : " (this backend: built without cuDNN, says so)");
		if (!built) {
			printf("ok %d # SKIP backend built without cuDNN's headers\n",
			       ++tap_n);
		} else if (access(lib, R_OK) != 0) {
			printf("ok %d # SKIP no %s here\n", ++tap_n, lib);
		} else {
			setenv("SV_CUDNN_LIB", lib, 1);
			rc = sv_gpu_dnn_version(ver, sizeof ver, err, sizeof err);
			ok(rc == 0 && strncmp(ver, "cuDNN 9.", 8) == 0,
			   "cuDNN 9 loads without a GPU: '%s'%s%s", ver,
			   rc ? ": " : "", rc ? err : "");
		}
	}
	return tap_done();
}
