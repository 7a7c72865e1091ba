# fish completion for sv-stats(1); the operations come from the program's
# own table (sv-stats --list-ops).

# Column names from the header ('#' then names) of the first record file
# named on the line, else of ./scan.tsv.
function __sv_stats_columns
    set -l words (commandline -opc)
    set -e words[1]
    for f in $words ./scan.tsv
        string match -q -- '~/*' $f; and set f $HOME/(string sub -s 3 -- $f)
        test -f "$f" -a -r "$f"; or continue
        while read -l line
            set line (string replace -r '\r$' '' -- $line)
            switch $line
                case '#' '# *'
                    continue
                case '#*'
                    string sub -s 2 -- $line | string split \t
                    return
                case '*'
                    break
            end
        end < $f
    end
end

# after an operation comes its column
function __sv_stats_after_op
    set -l words (commandline -opc)
    test (count $words) -ge 2; or return 1
    contains -- (string replace -r ':.*' '' -- $words[-1]) (sv-stats --list-ops 2>/dev/null)
end

complete -c sv-stats -n 'not __sv_stats_after_op' -a '(sv-stats --list-ops 2>/dev/null)' -d 'operation'
complete -c sv-stats -n '__sv_stats_after_op' -x -a '(__sv_stats_columns)' -d 'column'
complete -c sv-stats -s f -l field -x -a '(__sv_stats_columns)' -d 'column described, name or number'
complete -c sv-stats -s g -l group -x -a '(__sv_stats_columns)' -d 'one summary per value of this column'
complete -c sv-stats -l json -d 'one JSON object per group'
complete -c sv-stats -l share-of -x -d 'variance share of this group'
complete -c sv-stats -l narm -d 'operations: skip NA and NaN'
complete -c sv-stats -l ci -d 'bootstrap confidence intervals'
complete -c sv-stats -l normality -d 'Shapiro-Wilk, Anderson-Darling, D\'Agostino-Pearson'
complete -c sv-stats -l all -d '--ci and --normality'
complete -c sv-stats -l reps -x -d 'bootstrap resamples'
complete -c sv-stats -l level -x -d 'confidence level'
complete -c sv-stats -l rng-seed -x -d 'bootstrap seed'
complete -c sv-stats -l claim -x -d 'published score to audit'
complete -c sv-stats -l best-of -x -d 'seed counts for the expected best'
complete -c sv-stats -l test-size -x -d 'test-set size for the noise floor'
complete -c sv-stats -l plot -r -F -d 'histogram with density: .svg, .png or .pdf'
complete -c sv-stats -l plot-epochs -r -F -d 'accuracy vs epoch: .svg, .png or .pdf'
complete -c sv-stats -l histogram -d 'terminal histogram even without a tty'
complete -c sv-stats -l no-histogram -d 'no terminal histogram'
complete -c sv-stats -l list-ops -d 'operation names, one a line'
complete -c sv-stats -l list-options -d 'long options, one a line'
complete -c sv-stats -s h -l help -d 'show the help'
complete -c sv-stats -s V -l version -d 'show the version'
complete -c sv-stats -l title -x -d 'figure title'
complete -c sv-stats -l xlabel -x -d 'figure x axis label'
complete -c sv-stats -l ylabel -x -d 'figure y axis label'
complete -c sv-stats -l size -x -a '760x440 360x260' -d 'figure size in px, WxH'
complete -c sv-stats -l bins -x -d 'histogram bins'
complete -c sv-stats -l csv -d 'read CSV, as files named *.csv are'
