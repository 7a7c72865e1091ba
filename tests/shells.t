#!/bin/sh
# shells.t - the completions installed by 'make install' load and complete
# in real shells: bash (bash-completion), zsh (compinit) and fish.
#
# make install PREFIX=a temporary folder (from a copy of the build), then
# each shell is pointed at that PREFIX the way it finds completions for
# one: bash-completion and fish through XDG_DATA_DIRS, zsh through fpath.
# A TAB at the end of a line is asked for with tests/shells/complete.bash
# (bash-completion's loader, then the function with COMP_WORDS),
# tests/shells/complete.zsh (an interactive zsh on a zpty) and fish's
# 'complete -C'.  Each set of candidates must equal the one computed here
# from the programs' tables and the record files.  Also: the folders the
# Makefile picks for PREFIX=/usr and /usr/local are among those zsh and
# fish search.  A shell that is not installed is a TAP skip.
# Run from the repository root; SV_BUILD names the build folder.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /' "$@"; }
R=$(pwd)

# Install from a copy of the build outputs (times kept), with the build's
# LIBEXECDIR, so that nothing is rebuilt and the build folder is not written.
S=${SV_BUILD:-build}
B=$T/build
mkdir -p "$B"
for f in "$S/lib" "$S/libsv.a" "$S"/sv-* "$S/libsv-cuda.so" "$S/libexecdir.stamp"; do
	[ -e "$f" ] && cp -pR "$f" "$B/"
done
MK="make --no-print-directory B=$B"
[ -f "$B/libexecdir.stamp" ] && MK="$MK LIBEXECDIR=$(cat "$B/libexecdir.stamp")"
P=$T/prefix
$MK install PREFIX="$P" > "$T/log" 2>&1
r=$?
ok $r "make install PREFIX=$P"
[ $r = 0 ] || tail -20 "$T/log" | diag

# compdir VAR PREFIX: the folder the Makefile installs VAR's files to
compdir() {
	$MK -s --eval 'sv-print-dir: ; @echo $('"$1"')' sv-print-dir PREFIX="$2"
}

PATH=$P/bin:$PATH
HOME=$T/home
XDG_CONFIG_HOME=$T/home/.config
XDG_DATA_HOME=$T/home/.local/share
XDG_CACHE_HOME=$T/home/.cache
XDG_DATA_DIRS=$P/share:/usr/share
export PATH HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_DATA_DIRS
mkdir -p "$HOME" "$T/run" "$T/scan" "$T/empty" "$T/fig"

# run/run.tsv: a real record; scan/scan.tsv: a comment, then other columns
echo 7 | sv-train -q -m mlp -d synthetic:n=100,test=20 --epochs 1 > "$T/run/run.tsv" 2> "$T/log"
ok $? "sv-train writes a record file"
printf '# a comment\n#seed\talpha\tacc_b\tbeta\n1\t2\t0.5\t3\n' > "$T/scan/scan.tsv"
# fig/: figures of each format (sv-stats --plot takes SVG, PNG and PDF)
touch "$T/fig/a.svg" "$T/fig/b.png" "$T/fig/c.pdf" "$T/fig/D.PNG"
columns() { sed -n '/^#[^ ]/{s/^#//;p;q}' "$1" | tr '\t' '\n'; }

# cases: DIR|LINE|expected candidates (a command run in DIR, or 'none')
cat > "$T/cases" <<EOC
empty|sv-train --ep|sv-train --list-options | grep '^--ep'
empty|sv-train --schedule |printf '%s\n' const picard
empty|sv-train -m fm|sv-train --list-models | grep '^fm'
empty|sv-train --model m|sv-train --list-models | grep '^m'
empty|sv-train -d fas|sv-train --list-datasets | grep '^fas'
empty|sv-train --zz|none
empty|sv-stats me|sv-stats --list-ops | grep '^me'
empty|sv-stats --no|sv-stats --list-options | grep '^--no'
run|sv-stats run.tsv -f |columns run.tsv
run|sv-stats -g s run.tsv -f a|columns run.tsv | grep '^a'
scan|sv-stats -f |columns scan.tsv
scan|sv-stats -f a|columns scan.tsv | grep '^a'
scan|sv-stats --group |columns scan.tsv
scan|sv-stats ../run/run.tsv -f |columns ../run/run.tsv
scan|sv-stats mean |columns scan.tsv
empty|sv-stats -f |none
run|sv-outliers -f |none
run|sv-outliers run.tsv -g s|columns run.tsv | grep '^s'
scan|sv-outliers -f |columns scan.tsv
empty|sv-outliers -m |sv-outliers --list-methods
fig|sv-stats --plot |printf '%s\n' a.svg b.png c.pdf D.PNG
fig|sv-stats --plot-epochs b|printf '%s\n' b.png
EOC
# try SHELL: every case through complete_SHELL
try() {
	while IFS='|' read -r dir line want; do
		if [ "$want" = none ]; then
			: > "$T/want"
		else
			(cd "$T/$dir" && eval "$want") | sort -u > "$T/want"
		fi
		(cd "$T/$dir" && "complete_$1" "$line") > "$T/out" 2> "$T/err"
		rc=$?
		cut -f1 "$T/out" | sort -u > "$T/got"
		what=nothing
		[ -s "$T/want" ] && what=$(tr '\n' ' ' < "$T/want")
		[ $rc = 0 ] && cmp -s "$T/want" "$T/got"
		ok $? "$1: '$line<TAB>' in $dir/ offers $what"
		if ! cmp -s "$T/want" "$T/got"; then
			echo "# got:"
			diag "$T/got" "$T/err"
		fi
	done < "$T/cases"
}

complete_bash() {
	bash --norc --noprofile "$R/tests/shells/complete.bash" "$1"
}
complete_zsh() {
	zsh -f "$R/tests/shells/complete.zsh" "$P/share/zsh/site-functions" "$1"
}
complete_fish() {
	fish -c 'complete -C $argv[1]' "$1"
}

# bash
if ! command -v bash > /dev/null 2>&1; then
	skip "bash completions" "bash not installed"
elif [ ! -f /usr/share/bash-completion/bash_completion ]; then
	skip "bash completions" "bash-completion not installed"
else
	[ "$(compdir BASHCOMPDIR "$P")" = "$P/share/bash-completion/completions" ]
	ok $? "bash: completions installed to PREFIX/share/bash-completion/completions (found through XDG_DATA_DIRS)"
	try bash
fi

# zsh
if ! command -v zsh > /dev/null 2>&1; then
	skip "zsh completions" "zsh not installed"
else
	[ "$(compdir ZSHCOMPDIR "$P")" = "$P/share/zsh/site-functions" ]
	ok $? "zsh: completions installed to PREFIX/share/zsh/site-functions"
	for pre in /usr/local /usr; do
		d=$(compdir ZSHCOMPDIR $pre)
		zsh -f -c 'print -rl -- $fpath' | grep -qx "$d"
		ok $? "zsh: PREFIX=$pre installs to $d, which zsh searches"
	done
	try zsh
fi

# fish
if ! command -v fish > /dev/null 2>&1; then
	skip "fish completions" "fish not installed"
else
	d=$(compdir FISHCOMPDIR /usr)
	env -u XDG_DATA_DIRS fish -c 'string join \n -- $fish_complete_path' | grep -qx "$d"
	ok $? "fish: PREFIX=/usr installs to $d, which fish searches"
	d=$(compdir FISHCOMPDIR /usr/local)
	XDG_DATA_DIRS=/usr/local/share:/usr/share fish -c 'string join \n -- $fish_complete_path' | grep -qx "$d"
	ok $? "fish: PREFIX=/usr/local installs to $d, which fish searches when XDG_DATA_DIRS names /usr/local/share"
	try fish
fi

echo "1..$n"
exit $fail
