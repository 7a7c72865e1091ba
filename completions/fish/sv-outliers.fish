# fish completion for sv-outliers(1); the methods come from the program's
# own table (sv-outliers --list-methods).

# Column names from the header ('#' then names) of the first record file
# named on the line, else of ./scan.tsv.
function __sv_outliers_columns
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

complete -c sv-outliers -s m -l method -x -a '(sv-outliers --list-methods 2>/dev/null)' -d 'outlier test'
complete -c sv-outliers -s f -l field -x -a '(__sv_outliers_columns)' -d 'column tested, name or number'
complete -c sv-outliers -s g -l group -x -a '(__sv_outliers_columns)' -d 'test within each group of this column'
complete -c sv-outliers -s s -l side -x -a 'low high both' -d 'side that may be flagged'
complete -c sv-outliers -s k -l k -x -d 'threshold of z, mad, tukey'
complete -c sv-outliers -s a -l alpha -x -d 'significance level of grubbs, gesd'
complete -c sv-outliers -l max-outliers -x -d 'gesd: most outliers looked for'
complete -c sv-outliers -l top -x -d 'tail: this many from each side'
complete -c sv-outliers -l percentile -x -d 'tail: beyond this percentile'
complete -c sv-outliers -s v -l invert -d 'print the records that are not outliers'
complete -c sv-outliers -s c -l count -d 'print only the count'
complete -c sv-outliers -l verbose -d 'test statistics on stderr'
complete -c sv-outliers -l list-methods -d 'method names, one a line'
complete -c sv-outliers -l list-options -d 'long options, one a line'
complete -c sv-outliers -l help -d 'show the help'
complete -c sv-outliers -l version -d 'show the version'
complete -c sv-outliers -l plain-header -d 'header line without its #'
