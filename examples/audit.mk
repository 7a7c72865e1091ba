# audit.mk - a seed-variance audit driven by make
#
#   make -f audit.mk                  # 100 seeds of fmnist-small
#   make -f audit.mk SEEDS=20 TRAIN='-m mlp --train-size 2000' CLAIM=0.8
#
# scan.tsv    one record per seed and epoch (sv-train --every-epoch); the
#             scan is resumable: kill make, run it again, and sv-train
#             --resume trains only the seeds that are missing
# final.tsv   the last epoch of each seed
# stats.txt   the table, intervals, normality tests, the claim audit
# stats.json  the same as JSON
# hist.svg    histogram of the final accuracy; curve.svg accuracy vs epoch
# outliers.tsv  the black-swan seeds (modified z-score), and tail.tsv the
#             five best and five worst
# ckpt.tar.gz the weights of every seed, byte-identical for the same
#             weights; weights.xxh their hashes, checked against the scan
#
# The sv programs are taken from PATH, or from SV_BIN (e.g. SV_BIN=../build/).

SEEDS ?= 100
FIRST ?= 0
TRAIN ?=
CLAIM ?= 0.88
SV_BIN ?=
OUT   ?= audit

TRAINER  = $(SV_BIN)sv-train
STATS    = $(SV_BIN)sv-stats
OUTLIERS = $(SV_BIN)sv-outliers
HASH     = $(SV_BIN)sv-hash
EVAL     = $(SV_BIN)sv-eval

all: $(OUT)/stats.txt $(OUT)/stats.json $(OUT)/hist.svg $(OUT)/curve.svg \
     $(OUT)/outliers.tsv $(OUT)/tail.tsv $(OUT)/ckpt.tar.gz check

$(OUT):
	mkdir -p $@

# Always run: --resume skips the seeds already in the file and writes
# nothing when the scan is complete, so the file keeps its time and the
# targets below are not rebuilt.
$(OUT)/scan.tsv: FORCE | $(OUT)
	seq $(FIRST) $$(( $(FIRST) + $(SEEDS) - 1 )) | \
	    $(TRAINER) $(TRAIN) --every-epoch --count $(SEEDS) \
	        --save $(OUT)/ckpt -o $@ --resume

# the header and the records of each seed's last epoch
$(OUT)/final.tsv: $(OUT)/scan.tsv
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$$i] = i; print; next } \
	    /^#/ { next } $$c["epoch"] == $$c["epochs"]' $< > $@.tmp && mv $@.tmp $@

$(OUT)/stats.txt: $(OUT)/scan.tsv
	$(STATS) --all --no-histogram --claim $(CLAIM) $< > $@.tmp && mv $@.tmp $@

$(OUT)/stats.json: $(OUT)/scan.tsv
	$(STATS) --json --all --claim $(CLAIM) $< > $@.tmp && mv $@.tmp $@

$(OUT)/hist.svg: $(OUT)/scan.tsv
	$(STATS) --no-histogram --claim $(CLAIM) --plot $@ $< > /dev/null

$(OUT)/curve.svg: $(OUT)/scan.tsv
	$(STATS) --no-histogram --plot-epochs $@ $< > /dev/null

# sv-outliers exits 1 when there is none: not an error here
$(OUT)/outliers.tsv: $(OUT)/final.tsv
	$(OUTLIERS) < $< > $@.tmp; test $$? -le 1 && mv $@.tmp $@

$(OUT)/tail.tsv: $(OUT)/final.tsv
	$(OUTLIERS) -m tail --top $$(( $(SEEDS) >= 10 ? 5 : $(SEEDS) / 2 )) \
	    < $< > $@.tmp; test $$? -le 1 && mv $@.tmp $@

$(OUT)/weights.xxh: $(OUT)/scan.tsv
	$(HASH) --gnu $(OUT)/ckpt/*.svckpt > $@.tmp && mv $@.tmp $@

$(OUT)/ckpt.tar.gz: $(OUT)/weights.xxh
	$(HASH) --pack $@ $(OUT)/ckpt/*.svckpt

# the archive holds the weights the scan recorded: every checkpoint's
# hash matches its line in weights.xxh, and the evaluated accuracies and
# hashes are those of the scan's last epochs
check: $(OUT)/ckpt.tar.gz $(OUT)/final.tsv
	sed 's|  .*/|  |' $(OUT)/weights.xxh > $(OUT)/archive.xxh
	$(HASH) -q -c $(OUT)/archive.xxh --archive $(OUT)/ckpt.tar.gz
	$(EVAL) $(OUT)/ckpt.tar.gz | sed 1d | cut -f2,5,9 | sort > $(OUT)/eval.cmp
	sed 1d $(OUT)/final.tsv | cut -f1,6,15 | sort > $(OUT)/scan.cmp
	cmp $(OUT)/eval.cmp $(OUT)/scan.cmp
	@echo "audit: $(OUT)/ckpt.tar.gz holds the weights of the scan"

clean:
	rm -rf $(OUT)

FORCE:
.PHONY: all check clean FORCE
