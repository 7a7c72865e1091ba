#!/bin/zsh -f
# complete.zsh DIR LINE: print, one a line, the matches zsh's completion
# system (compinit) adds for a TAB at the end of LINE typed into an
# interactive zsh whose fpath starts with DIR.  The zsh runs on a
# pseudo-terminal (zpty); a TAB calls complete-word through a widget that
# writes every match added with compadd to a file.  Exit 3 when the zsh
# does not answer within 20 seconds.
zmodload zsh/zpty || exit 3
dir=$1
line=$2
out=$(mktemp) || exit 3
trap 'zpty -d sv 2> /dev/null; rm -f $out' EXIT
zpty sv zsh -f -i || exit 3
zpty -w sv "PS1='' PS2='' out=${(q)out}; fpath=(${(q)dir} \$fpath)"
zpty -w sv 'autoload -Uz compinit && compinit -u -D'
# compadd: calls that only store matches in an array pass through
zpty -w sv 'compadd() { if (( ${argv[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi; local -a m; builtin compadd -O m "$@"; (( $#m )) && print -rl -- $m >> $out; builtin compadd "$@"; }'
zpty -w sv '_sv_capture() { _main_complete; print -r -- "<done>" >> $out; }'
zpty -w sv 'zle -C sv-capture complete-word _sv_capture; bindkey "^I" sv-capture'
zpty -w -n sv "$line"$'\t'
for i in {1..200}; do
	while zpty -rt sv junk 2> /dev/null; do :; done
	if grep -qx '<done>' $out 2> /dev/null; then
		grep -vx '<done>' $out
		exit 0
	fi
	sleep 0.1
done
print -u2 "complete.zsh: no answer from zsh for '$line'"
exit 3
