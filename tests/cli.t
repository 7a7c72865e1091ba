#!/usr/bin/perl
# cli.t - table-driven command-line tests: tests/cli/*.tbl
#
# A table is a list of cases.  A case starts with "=== name" and has keys,
# each on a line of its own; a block key takes the lines after it up to the
# next key line:
#   cmd: shell command line (the sv programs are on PATH)
#   stdin:    block fed to standard input (default: empty)
#   stdout:   block, exact expected standard output
#   stdout~:  block of Perl regexes, each must match somewhere in stdout
#   stdout!~: block of Perl regexes, none may match stdout
#   stderr:   block, exact expected standard error
#   stderr~:  block of regexes that stderr must match
#   exit: expected exit status (default 0)
#   unwrapped: reason   the case is reported as a TAP skip when SV_WRAP is
#            set (for checks a wrapper cannot honour, e.g. valgrind runs
#            80-bit long double arithmetic in 64 bits)
# Lines starting with "##" outside blocks are comments.  A block line
# "\=== x" or "\cmd: ..." stands for the same line without the backslash.
# SV_WRAP (e.g. "valgrind -q --error-exitcode=99") runs each program under
# a wrapper; SV_BUILD names the build folder (default ./build).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Cwd qw(abs_path);

my $build = $ENV{SV_BUILD} || abs_path('build');
my $wrap = $ENV{SV_WRAP} // '';
my $tmp = tempdir(CLEANUP => 1);
my $bindir = "$tmp/bin";
mkdir $bindir or die "mkdir $bindir: $!";
for my $p (qw(sv-train sv-eval sv-stats sv-outliers sv-hash)) {
	open(my $fh, '>', "$bindir/$p") or die;
	print $fh "#!/bin/sh\nexec $wrap '$build/$p' \"\$@\"\n";
	close $fh;
	chmod 0755, "$bindir/$p";
}
$ENV{PATH} = "$bindir:$ENV{PATH}";
$ENV{LC_ALL} = 'C' unless exists $ENV{SV_KEEP_LOCALE};
my $srcdir = abs_path('.');
$ENV{SV_SRC} = $srcdir;

my @cases;
my @keys = ('cmd', 'stdin', 'stdout', 'stdout~', 'stdout!~', 'stderr', 'stderr~', 'exit', 'unwrapped');
my $keyre = join('|', map { quotemeta } @keys);
for my $file (sort glob('tests/cli/*.tbl')) {
	open(my $fh, '<', $file) or die "$file: $!";
	my ($case, $block);
	while (my $line = <$fh>) {
		if ($line =~ /^=== (.*)$/) {
			$case = { name => "$file: $1", file => $file, line => $. };
			push @cases, $case;
			$block = undef;
			next;
		}
		if (!$block && $line =~ /^##/) { next; }
		if ($line =~ /^($keyre):\s?(.*)$/) {
			die "$file:$.: key outside a case\n" unless $case;
			my ($k, $v) = ($1, $2);
			if ($k eq 'cmd' || $k eq 'exit' || $k eq 'unwrapped') {
				$case->{$k} = $v;
				$block = undef;
			} else {
				$case->{$k} = '';
				$block = \$case->{$k};
			}
			next;
		}
		if ($block) {
			$line =~ s/^\\(=== |(?:$keyre):)/$1/;
			$$block .= $line;
		} elsif ($line =~ /\S/) {
			die "$file:$.: stray line: $line";
		}
	}
}

print "1..", scalar(@cases), "\n";
my $n = 0;
my $failed = 0;
for my $c (@cases) {
	$n++;
	die "$c->{file}:$c->{line}: case without cmd\n" unless defined $c->{cmd};
	if ($wrap ne '' && defined $c->{unwrapped}) {
		print "ok $n - $c->{name} # SKIP under SV_WRAP: $c->{unwrapped}\n";
		next;
	}
	my $in = "$tmp/stdin";
	open(my $fh, '>', $in) or die;
	print $fh ($c->{stdin} // '');
	close $fh;
	my $pid = fork();
	if ($pid == 0) {
		chdir "$tmp" or die;
		open(STDIN, '<', $in) or die;
		open(STDOUT, '>', "$tmp/out") or die;
		open(STDERR, '>', "$tmp/err") or die;
		exec('/bin/sh', '-c', "cd '$srcdir' && $c->{cmd}") or die;
	}
	waitpid($pid, 0);
	my $status = $? & 127 ? 128 + ($? & 127) : $? >> 8;
	my $out = slurp("$tmp/out");
	my $err = slurp("$tmp/err");
	my @why;
	my $want = $c->{exit} // 0;
	push @why, "exit $status, want $want" if $status != $want;
	if (defined $c->{stdout} && $out ne $c->{stdout}) {
		push @why, "stdout differs:\n" . diffmsg($c->{stdout}, $out);
	}
	if (defined $c->{stderr} && $err ne $c->{stderr}) {
		push @why, "stderr differs:\n" . diffmsg($c->{stderr}, $err);
	}
	for my $re (split /\n/, $c->{'stdout~'} // '') {
		push @why, "stdout lacks /$re/" unless $out =~ /$re/m;
	}
	for my $re (split /\n/, $c->{'stdout!~'} // '') {
		push @why, "stdout has /$re/" if $out =~ /$re/m;
	}
	for my $re (split /\n/, $c->{'stderr~'} // '') {
		push @why, "stderr lacks /$re/" unless $err =~ /$re/m;
	}
	if (@why) {
		$failed++;
		print "not ok $n - $c->{name}\n";
		print "#   $c->{file}:$c->{line}: $c->{cmd}\n";
		for my $w (@why) { print map { "#   $_\n" } split /\n/, $w; }
		print map { "#   stderr: $_\n" } (split /\n/, $err)[0 .. 5] if $err ne '' && !defined $c->{stderr};
	} else {
		print "ok $n - $c->{name}\n";
	}
}
exit($failed ? 1 : 0);

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or return '';
	local $/;
	my $s = <$fh>;
	return $s // '';
}

sub diffmsg {
	my ($want, $got) = @_;
	my @w = split /\n/, $want, -1;
	my @g = split /\n/, $got, -1;
	for my $i (0 .. ($#w > $#g ? $#w : $#g)) {
		my $a = $w[$i] // '<none>';
		my $b = $g[$i] // '<none>';
		return "line " . ($i + 1) . ":\n want: $a\n got:  $b" if $a ne $b;
	}
	return "(trailing newline differs)";
}
