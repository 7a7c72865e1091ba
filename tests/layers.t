#!/usr/bin/perl
# layers.t - every #include in lib/, bin/ and cuda/ obeys the rule of
# lib/README.md (the table between the "layers" markers)
use strict;
use warnings;

open(my $fh, '<', 'lib/README.md') or die "lib/README.md: $!";
my (%may, $in);
while (<$fh>) {
	$in = 1, next if /<!-- layers:/;
	last if /<!-- end layers/;
	next unless $in && /^\|\s*`(\w+)`\s*\|[^|]*\|\s*([^|]*?)\s*\|/;
	my ($dir, $list) = ($1, $2);
	$may{$dir} = { map { $_ => 1 } grep { /^\w+$/ } split /\s+/, $list };
}
close $fh;
my @libdirs = grep { -d "lib/$_" } keys %may;
die "no rule table in lib/README.md\n" unless @libdirs >= 5;

# every folder under lib/ has a row
my $n = 0;
my @bad;
for my $d (glob 'lib/*') {
	next unless -d $d;
	(my $name = $d) =~ s{^lib/}{};
	push @bad, "$d: no row in lib/README.md" unless $may{$name};
}
my @files = (glob('lib/*/*.[ch]'), glob('bin/*.c'), glob('cuda/*.cu'), glob('cuda/*.h'));
for my $f (@files) {
	my ($dir) = $f =~ m{^(?:lib/)?(\w+)/};
	open(my $in_fh, '<', $f) or die "$f: $!";
	while (my $line = <$in_fh>) {
		next unless $line =~ /^\s*#\s*include\s+"([^"]+)"/;
		my $h = $1;
		$n++;
		if ($h =~ m{^(\w+)/([\w.]+)$}) {
			my ($to, $name) = ($1, $2);
			if (!-f "lib/$to/$name") {
				push @bad, "$f:$.: \"$h\": no such header in lib/";
			} elsif ($to eq $dir) {
				push @bad, "$f:$.: \"$h\": same folder, include it as \"$name\"";
			} elsif (!$may{$dir}{$to}) {
				push @bad, "$f:$.: \"$h\": $dir may not include $to";
			}
		} elsif ($h =~ m{^[\w.]+$}) {
			(my $here = $f) =~ s{/[^/]+$}{};
			push @bad, "$f:$.: \"$h\": not in $here" unless -f "$here/$h";
		} else {
			push @bad, "$f:$.: \"$h\": include a header as \"folder/name.h\"";
		}
	}
	close $in_fh;
}
print "1..2\n";
print(($n > 100 ? "ok" : "not ok"), " 1 - found the includes ($n in ",
      scalar(@files), " files)\n");
if (@bad) {
	print "not ok 2 - includes obey lib/README.md\n";
	print "# $_\n" for @bad;
} else {
	print "ok 2 - includes obey lib/README.md\n";
}
