#!/bin/bash
# complete.bash LINE: print, one a line, what bash-completion offers for a
# TAB at the end of LINE.  The command's completion is loaded as in an
# interactive bash: on demand by bash-completion, from the folders it
# searches (XDG_DATA_DIRS).  Exit 3 when none is found for the command.
# Words are split at blanks only.
. /usr/share/bash-completion/bash_completion || exit 3
line=$1
read -ra words <<< "$line"
[[ $line == *' ' || ${#words[@]} -eq 0 ]] && words+=("")
cmd=${words[0]}
complete -p "$cmd" > /dev/null 2>&1 && { echo "complete.bash: $cmd completion loaded before asked" >&2; exit 3; }
__load_completion "$cmd" || exit 3
spec=$(complete -p "$cmd") || exit 3
func=$(printf '%s\n' "$spec" | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[[ -n $func ]] || exit 3
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#words[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMP_TYPE=9
COMP_KEY=9
COMPREPLY=()
"$func" "$cmd" "${words[COMP_CWORD]}" "${words[COMP_CWORD-1]}"
[[ ${#COMPREPLY[@]} -eq 0 ]] || printf '%s\n' "${COMPREPLY[@]}"
