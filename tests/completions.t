#!/bin/sh
# completions.t - every long option of every program is documented and
# completed: for each program, each option that 'PROG --list-options'
# prints must appear in 'PROG --help', in the rendered man page and in the
# bash, zsh and fish completion files (a completion file that reads the
# options from --list-options at run time passes by construction).  Then
# 'bash -n' on the bash completions (zsh -n, fish -n when installed) and a
# lint of every man page: 'mandoc -T lint -W warning' when mandoc is
# installed, else 'groff -mdoc -ww -z'.
# Run from the repository root; SV_BUILD names the build folder.
set -u
B=${SV_BUILD:-$(pwd)/build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PROGS="sv-train sv-eval sv-stats sv-outliers sv-hash"
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
diag() { sed 's/^/# /' "$@"; }

# render FILE: a man page as plain text, lines up to 300 columns; without
# mandoc or groff, the source with each flag argument of Fl written '--x'
render() {
	if command -v mandoc > /dev/null 2>&1; then
		mandoc -T ascii -O width=300 "$1" | sed 's/.\x08//g'
	elif command -v groff > /dev/null 2>&1; then
		groff -mdoc -Tascii -rLL=300n -P-cbu "$1" 2> /dev/null
	else
		sed '/Fl /s/\(^\|[[:space:]]\)-\([a-zA-Z]\)/\1--\2/g' "$1"
	fi
}

# missing OPTS FILE MODE: print the options of OPTS not found in FILE.
# MODE 'text' or 'shell': as '--opt' not followed by a name character;
# 'fish': as '-l opt' (fish's complete) or '--opt'.
missing() {
	while IFS= read -r o; do
		[ -n "$o" ] || continue
		name=${o#--}
		if grep -Eq -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|\$)" "$2"; then
			continue
		fi
		if [ "$3" = fish ] &&
		   grep -Eq -- "(^|[[:space:]])-l[[:space:]]+'?$name'?([[:space:]]|\$)" "$2"; then
			continue
		fi
		echo "$o"
	done < "$1"
}

# dynamic FILE PROG: the completion file asks the program for its options
dynamic() {
	grep -v '^[[:space:]]*#' "$1" | grep -q -- "$2 --list-options"
}

# check PROG WHAT FILE MODE: one test line
check() {
	if [ ! -f "$3" ]; then
		ok 1 "$1: $2 exists ($3)"
		return
	fi
	if [ "$4" != text ]; then
		if dynamic "$3" "$1"; then
			ok 0 "$1: $2 reads the options from --list-options"
			return
		fi
		# comments do not complete anything
		grep -v '^[[:space:]]*#' "$3" > "$T/code"
		set -- "$1" "$2" "$3" "$4" "$T/code"
	else
		set -- "$1" "$2" "$3" "$4" "$3"
	fi
	missing "$T/$1.opts" "$5" "$4" > "$T/miss"
	if [ -s "$T/miss" ]; then
		ok 1 "$1: every long option is in $2 ($3)"
		echo "# missing from $3:"
		diag "$T/miss"
	else
		ok 0 "$1: every long option is in $2"
	fi
}

for p in $PROGS; do
	"$B/$p" --list-options > "$T/$p.opts" 2> "$T/err"
	rc=$?
	[ $rc = 0 ] && [ "$(wc -l < "$T/$p.opts")" -ge 3 ] &&
		! grep -qv -- '^--[a-z0-9][a-z0-9-]*$' "$T/$p.opts"
	ok $? "$p --list-options prints long options, one a line"
	"$B/$p" --help > "$T/$p.help" 2>&1
	check "$p" "--help" "$T/$p.help" text
	if [ -f "man/$p.1" ]; then
		render "man/$p.1" > "$T/$p.man"
		check "$p" "the man page" "$T/$p.man" text
	else
		ok 1 "$p: man/$p.1 exists"
	fi
	check "$p" "the bash completion" "completions/bash/$p" shell
	check "$p" "the zsh completion" "completions/zsh/_$p" shell
	check "$p" "the fish completion" "completions/fish/$p.fish" fish
done

# the checker itself must notice a missing option
sed '/-l resume /d' completions/fish/sv-train.fish > "$T/cut.fish"
missing "$T/sv-train.opts" "$T/cut.fish" fish > "$T/miss"
[ "$(cat "$T/miss")" = "--resume" ]
ok $? "the check finds an option removed from a completion file"
sed 's/--resume\[/--rsume[/' completions/zsh/_sv-train > "$T/cut.zsh"
missing "$T/sv-train.opts" "$T/cut.zsh" shell > "$T/miss"
[ "$(cat "$T/miss")" = "--resume" ]
ok $? "the check does not take --resume for a prefix of another option"

for f in completions/bash/*; do
	bash -n "$f" 2> "$T/err"
	ok $? "bash -n $f"
	diag "$T/err"
done
if command -v zsh > /dev/null 2>&1; then
	for f in completions/zsh/*; do
		zsh -n "$f" 2> "$T/err"
		ok $? "zsh -n $f"
		diag "$T/err"
	done
fi
if command -v fish > /dev/null 2>&1; then
	for f in completions/fish/*; do
		fish -n "$f" 2> "$T/err"
		ok $? "fish -n $f"
		diag "$T/err"
	done
fi

for m in man/*.[1-9]; do
	if command -v mandoc > /dev/null 2>&1; then
		mandoc -T lint -W warning "$m" > "$T/err" 2>&1
		ok $? "mandoc -T lint -W warning $m"
	elif command -v groff > /dev/null 2>&1; then
		groff -mdoc -ww -z "$m" > "$T/err" 2>&1
		rc=$?
		[ $rc = 0 ] && [ ! -s "$T/err" ]
		ok $? "groff -mdoc -ww -z $m: no warnings"
	else
		n=$((n + 1))
		echo "ok $n - $m # SKIP neither mandoc nor groff installed"
		: > "$T/err"
	fi
	diag "$T/err"
done

echo "1..$n"
exit $fail
