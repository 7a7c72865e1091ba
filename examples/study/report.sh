#!/bin/sh
# report.sh - report.md of the study from the files in scans/ (Makefile)
# usage: SV_BIN=../../build/ sh report.sh scans > report.md
# Deterministic: the same scans give the same bytes.
set -eu
S=${1:-scans}
B=${SV_BIN:-}
stats() { "${B}sv-stats" "$@"; }
n=$(($(grep -vc '^#' "$S/all.tsv")))
mkdir -p figures

cat <<HEAD
# Where seed variance comes from, and whether pre-training damps it

fmnist-small on Fashion-MNIST, one epoch a seed, $n seeds a scan, every
record bit-reproducible (\`make check\` re-runs two seeds of each scan to
the same weight hash).  Made by \`make\` in \`examples/study\`; every number
below is computed from the files in \`scans/\` by \`report.sh\`.

$(sed 's/^/    /' "$S/machine.txt")

Time each scan took (seconds, wall clock):

| scan | seconds |
|---|---|
$(awk -F'\t' '{ t[$1] += $2 } END { for (k in t) printf "| %s | %d |\n", k, t[k] }' "$S/times.tsv" | LC_ALL=C sort)

## 1. The spread over seeds

Test accuracy over $n seeds, every source of randomness varied (the
seed paper's table, with bootstrap intervals and normality tests):

\`\`\`
$(stats --all --no-histogram "$S/all.tsv")
\`\`\`

![distribution](figures/all.svg)

HEAD
stats --no-histogram --plot figures/all.svg "$S/all.tsv" > /dev/null

echo "The best and the worst seed (sv-outliers -m tail --top 1), re-run with"
echo "\`--trace\`: the re-run gives the same weights, and the trace shows how"
echo "each one's training loss went."
echo
echo "| seed | acc | hash | re-run hash | same | last step loss |"
echo "|---|---|---|---|---|---|"
awk -F'\t' -v trace="$S/swans-trace.tsv" '
FILENAME == ARGV[1] && FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
FILENAME == ARGV[1] { seed[++n] = $1; acc[$1] = $c["acc"]; h[$1] = $c["hash"]; next }
FILENAME == ARGV[2] && FNR > 1 { rh[$1] = $15 }
END {
	while ((getline line < trace) > 0) {
		split(line, f, "\t"); if (f[1] !~ /^#/) last[f[1]] = f[5]
	}
	for (i = 1; i <= n; i++) { s = seed[i]
		printf "| %s | %s | %s | %s | %s | %s |\n", s, acc[s], h[s], rh[s],
		    (h[s] == rh[s] ? "yes" : "NO"), last[s] }
}' "$S/swans.tsv" "$S/swans-rerun.tsv"

cat <<SRC

## 2. Which source makes the spread

Each scan varies one source of randomness with the seed and keeps the
others at base seed 0: the initial weights (init), the data order
(order), a half-size training subset drawn by the seed (split, 30,000
images), and crop/flip/cutout augmentation (aug, with \`--augment\`).
\`all\` varies every source.  Beside each standard deviation: its 95%
bootstrap interval, its share of the variance of \`all\`, and the
test-set noise floor, the binomial sd sqrt(p(1-p)/n) that 10,000 test
images give an accuracy p whatever the seed.  The split and aug scans
change the recipe as well as the randomness (half the training images;
augmentation on), so their means and spreads are those of another
training run, not slices of the \`all\` scan.

SRC
for s in all init order split aug; do cat "$S/$s.tsv"; done |
	stats -g vary --ci --share-of all --no-histogram --json > "$S/.sources.json"
echo "| source | seeds | mean | sd | sd 95% CI | share of all's variance | noise floor |"
echo "|---|---|---|---|---|---|---|"
tr -d ' \n' < "$S/.sources.json" | sed 's/}{/}\n{/g' | awk '
function num(k,   m) { if (match(obj, "\"" k "\":[-0-9.eE+]+")) { m = substr(obj, RSTART, RLENGTH); sub(/.*:/, "", m); return m + 0 } return "" }
function str(k,   m) { if (match(obj, "\"" k "\":\"[^\"]*\"")) { m = substr(obj, RSTART, RLENGTH); sub(/^[^:]*:"/, "", m); sub(/"$/, "", m); return m } return "" }
{ obj = $0; g = str("group"); if (g == "") next
  order[++n] = g; cnt[g] = num("n"); mean[g] = num("mean"); sd[g] = num("sd"); se[g] = num("test_se"); sh[g] = num("var_share")
  lo[g] = hi[g] = ""
  if (match(obj, "\"sd_ci\":\\[[-0-9.eE+]+,[-0-9.eE+]+\\]")) { m = substr(obj, RSTART, RLENGTH); sub(/.*\[/, "", m); sub(/\]/, "", m); split(m, b, ","); lo[g] = b[1]; hi[g] = b[2] } }
END { for (i = 1; i <= n; i++) { g = order[i]
	printf "| %s | %d | %.4f | %.4f | %s | %.2f | %.4f |\n", g, cnt[g], mean[g], sd[g],
	    (lo[g] != "" ? sprintf("%.4f..%.4f", lo[g], hi[g]) : "-"), sh[g], se[g] } }'
rm -f "$S/.sources.json"
echo
echo '```'
for s in all init order split aug; do cat "$S/$s.tsv"; done |
	stats -g vary --share-of all --no-histogram --plot figures/sources.svg |
	sed -n '/^Variance shares/,$p'
echo '```'
echo
echo '![one distribution per source](figures/sources.svg)'

cat <<TR

## 3. Does a pre-trained backbone damp the spread?

A backbone (fmnist-small, seed 0) trained once on classes 0-4; then $n
seeds of a fresh head (\`--reinit fc1\`) on its frozen convolutions
(\`--freeze conv1,conv2\`) for classes 5-9, against $n seeds of the whole
network from scratch on classes 5-9 with the same epochs and steps.

\`\`\`
$(stats --no-histogram "$S/transfer.tsv" "$S/scratch.tsv")
\`\`\`

TR

best=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } !/^#/ && ($c["acc"] > b || b == "") { b = $c["acc"]; s = $1 } END { print b "\t" s }' "$S/all.tsv")
cat <<CL
## 4. The best seed as a published claim

Seed $(echo "$best" | cut -f2) reached $(echo "$best" | cut -f1): what if a paper reported it?

\`\`\`
$(stats --no-histogram --claim "$(echo "$best" | cut -f1)" "$S/all.tsv" | sed -n '/[Cc]laim/,$p')
\`\`\`
CL
