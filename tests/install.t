#!/bin/sh
# install.t - 'make install' puts every program, man page and completion
# where the Makefile says, under DESTDIR and PREFIX; 'make uninstall'
# removes every one of them.  Run from the repository root; SV_BUILD names
# the build folder (default ./build), which is copied, never written.
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
diag() { sed 's/^/# /' "$@"; }
# Install from a copy of the build outputs (times kept), so that whatever
# make rebuilds for another PREFIX stays out of the shared build folder.
S=${SV_BUILD:-build}
B=$T/build
mkdir -p "$B"
for f in "$S/lib" "$S/libsv.a" "$S"/sv-* "$S/libsv-cuda.so"; do
	[ -e "$f" ] && cp -pR "$f" "$B/"
done
MK="make --no-print-directory B=$B"
PROGS="sv-train sv-eval sv-stats sv-outliers sv-hash"

# compdirs PREFIX: set bashd, zshd and fishd to the folders where bash
# (bash-completion), zsh and fish look for the completions of PREFIX: zsh's
# are vendor-completions for /usr (Debian's packages), site-functions else
compdirs() {
	bashd=$1/share/bash-completion/completions
	fishd=$1/share/fish/vendor_completions.d
	if [ "$1" = /usr ]; then
		zshd=$1/share/zsh/vendor-completions
	else
		zshd=$1/share/zsh/site-functions
	fi
}

# expected DESTDIR PREFIX: the files the Makefile installs, one a line,
# from the source tree's contents
expected() {
	compdirs "$2"
	for p in $PROGS; do echo "$1$2/bin/$p"; done
	for m in man/*.1; do echo "$1$2/share/man/man1/${m#man/}"; done
	for m in man/*.5; do echo "$1$2/share/man/man5/${m#man/}"; done
	for f in completions/bash/*; do echo "$1$bashd/${f##*/}"; done
	for f in completions/zsh/*; do echo "$1$zshd/${f##*/}"; done
	for f in completions/fish/*; do echo "$1$fishd/${f##*/}"; done
	[ -f "$B/libsv-cuda.so" ] && echo "$1$2/lib/sv/libsv-cuda.so"
}

# installs DEST PREFIX: make install, then check what landed
installs() {
	d=$1
	pre=$2
	$MK install DESTDIR="$d" PREFIX="$pre" > "$T/log" 2>&1
	ok $? "make install DESTDIR=... PREFIX=$pre"
	[ $? = 0 ] || tail -20 "$T/log" | diag

	expected "$d" "$pre" | sort > "$T/want"
	(cd "$d" && find . -type f | sed "s|^\.|$d|") | sort > "$T/got"
	comm -23 "$T/want" "$T/got" > "$T/miss"
	[ ! -s "$T/miss" ]
	ok $? "PREFIX=$pre: every program, man page and completion installed"
	diag "$T/miss"
	comm -13 "$T/want" "$T/got" > "$T/extra"
	[ ! -s "$T/extra" ]
	ok $? "PREFIX=$pre: nothing else installed (nothing outside PREFIX)"
	diag "$T/extra"

	bad=0
	for p in $PROGS; do
		[ -x "$d$pre/bin/$p" ] &&
		    "$d$pre/bin/$p" --version | grep -q "^$p (sv) " || bad=1
	done
	ok $bad "PREFIX=$pre: the installed programs run and say their version"
	bad=0
	compdirs "$pre"
	for f in man/* completions/bash/* completions/zsh/* completions/fish/*; do
		case $f in
		man/*.1) t=$d$pre/share/man/man1/${f#man/} ;;
		man/*.5) t=$d$pre/share/man/man5/${f#man/} ;;
		completions/bash/*) t=$d$bashd/${f##*/} ;;
		completions/zsh/*) t=$d$zshd/${f##*/} ;;
		completions/fish/*) t=$d$fishd/${f##*/} ;;
		*) continue ;;
		esac
		cmp -s "$f" "$t" || { echo "# differs: $t"; bad=1; }
	done
	ok $bad "PREFIX=$pre: installed pages and completions are the sources"

	$MK uninstall DESTDIR="$d" PREFIX="$pre" > "$T/log" 2>&1
	ok $? "make uninstall DESTDIR=... PREFIX=$pre"
	(cd "$d" && find . ! -type d) > "$T/left"
	[ ! -s "$T/left" ]
	ok $? "PREFIX=$pre: make uninstall removes every installed file"
	diag "$T/left"
}

installs "$T/a" /usr
installs "$T/b" /opt/sv

# the programs look for the GPU backend in the LIBEXECDIR they were
# built with; an install to another PREFIX than the build's must not
# leave them looking elsewhere
$MK install DESTDIR="$T/c" PREFIX=/opt/sv > "$T/log" 2>&1
grep -aq '/opt/sv/lib/sv' "$T/c/opt/sv/bin/sv-train"
ok $? "sv-train installed to /opt/sv looks for libsv-cuda.so in /opt/sv/lib/sv"

echo "1..$n"
exit $fail
