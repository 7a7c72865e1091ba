# fish completion for sv-eval(1); the datasets come from sv-train's table
# (sv-train --list-datasets).
complete -c sv-eval -s d -l data -x -a '(sv-train --list-datasets 2>/dev/null)' -d 'evaluate on this dataset, NAME or NAME:PATH'
complete -c sv-eval -s j -l threads -x -d 'CPU threads'
complete -c sv-eval -l batch -x -d 'evaluation batch size'
complete -c sv-eval -l device -x -a 'cpu gpu' -d 'where to evaluate'
complete -c sv-eval -l list-options -d 'long options, one a line'
complete -c sv-eval -s h -l help -d 'show the help'
complete -c sv-eval -s V -l version -d 'show the version'
complete -c sv-eval -l plain-header -d 'header line without its #'
