#!/usr/bin/perl
# figures.t - sv-stats --plot and --plot-epochs write SVG, PNG or PDF by
# the file name: a PNG has the PNG signature and the size --size implies
# (twice the px), a PDF starts with %PDF- and has the page --size implies
# (0.75 pt a px); a missing librsvg or cairo (SV_RSVG_LIB, SV_CAIRO_LIB
# naming no file) is exit 3 with the library and its Debian package, and
# SVG still works without them; an unwritable path is exit 3 as for SVG;
# no temporary file is left.  The PNG and PDF cases are a TAP skip where
# librsvg-2.so.2 or libcairo.so.2 cannot be loaded.
# Run from the repository root; SV_BUILD names the build folder, SV_WRAP a
# wrapper (e.g. valgrind) as in cli.t.
use strict;
use warnings;
use Cwd qw(abs_path);
use DynaLoader;
use File::Temp qw(tempdir);

my $build = $ENV{SV_BUILD} || abs_path('build');
my $wrap = $ENV{SV_WRAP} // '';
my $tmp = tempdir(CLEANUP => 1);
$ENV{LC_ALL} = 'C';
delete @ENV{qw(SV_RSVG_LIB SV_CAIRO_LIB)};
my $methods = 'tests/data/stats/methods.tsv';
my $epochs = 'tests/data/stats/epochs.tsv';

my $n = 0;
my $failed = 0;
sub ok {
	my ($cond, $what, @diag) = @_;
	$n++;
	print(($cond ? '' : 'not '), "ok $n - $what\n");
	if (!$cond) {
		$failed++;
		print map { "#   $_\n" } map { split /\n/ } @diag;
	}
	return $cond;
}
sub skip { $n++; print "ok $n - $_[0] # SKIP $_[1]\n"; }

sub slurp {
	my ($f) = @_;
	open(my $fh, '<:raw', $f) or return undef;
	local $/;
	my $s = <$fh>;
	return $s // '';
}

# run(ENV, ARGS...): sv-stats in the repository root; returns exit status,
# stdout, stderr
my $case = 0;
sub run {
	my ($env, @args) = @_;
	$case++;
	my ($out, $err) = ("$tmp/out$case", "$tmp/err$case");
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0) {
		$ENV{$_} = $env->{$_} for keys %$env;
		open(STDIN, '<', '/dev/null') or die;
		open(STDOUT, '>', $out) or die;
		open(STDERR, '>', $err) or die;
		my @cmd = ((split ' ', $wrap), "$build/sv-stats", @args);
		exec(@cmd) or die "exec: $!";
	}
	waitpid($pid, 0);
	my $st = $? & 127 ? 128 + ($? & 127) : $? >> 8;
	return ($st, slurp($out), slurp($err));
}

# a fresh folder for one case
my $dirs = 0;
sub newdir { my $d = "$tmp/d" . ++$dirs; mkdir $d or die "$d: $!"; return $d; }
sub listing { my ($d) = @_; opendir(my $dh, $d) or return '?'; return join(' ', sort grep { !/^\.\.?$/ } readdir $dh); }

# width and height of a PNG's IHDR, or () when s is no PNG
sub png_size {
	my ($s) = @_;
	return () unless defined $s && length($s) >= 24 &&
	                 substr($s, 0, 8) eq "\x89PNG\r\n\x1a\n" &&
	                 substr($s, 12, 4) eq 'IHDR';
	return unpack('NN', substr($s, 16, 8));
}

# the page of a one-page PDF ("W H" in pt), or '' when s is no PDF
sub pdf_page {
	my ($s) = @_;
	return '' unless defined $s && substr($s, 0, 5) eq '%PDF-' && $s =~ /%%EOF\s*$/;
	return $s =~ m{/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]} ? "$1 $2" : '';
}

# --- without the libraries (needs none)
{
	my $d = newdir();
	my ($st, $out, $err) = run({ SV_RSVG_LIB => '/nonexistent.so' },
	                           '--plot', "$d/h.png", $methods);
	ok($st == 3, "no librsvg: --plot h.png is exit 3", "exit $st");
	ok($err eq "sv-stats: --plot $d/h.png: PNG and PDF figures need librsvg " .
	   "(librsvg-2.so.2), which cannot be loaded: /nonexistent.so: cannot " .
	   "open shared object file: No such file or directory (Debian package " .
	   "librsvg2-2); a figure named *.svg needs no library\n",
	   "the message names librsvg, its package and *.svg", "stderr: $err");
	ok($out eq '' && listing($d) eq '',
	   "before any work: nothing on stdout, no file", "stdout: $out",
	   "files: " . listing($d));

	($st, $out, $err) = run({ SV_CAIRO_LIB => '/nonexistent.so' },
	                        '--plot-epochs', "$d/e.pdf", $epochs);
	ok($st == 3 && $err =~ /^sv-stats: --plot-epochs \Q$d\E\/e\.pdf: PNG and PDF figures need cairo \(libcairo\.so\.2\), which cannot be loaded: .*\(Debian package libcairo2\); a figure named \*\.svg needs no library\n\z/,
	   "no cairo: --plot-epochs e.pdf is exit 3 naming libcairo2",
	   "exit $st", "stderr: $err");

	($st, $out, $err) = run({ SV_RSVG_LIB => '/nonexistent.so',
	                          SV_CAIRO_LIB => '/nonexistent.so' },
	                        '--plot', "$d/h.svg", '--plot-epochs', "$d/e",
	                        $epochs);
	my ($h, $e) = (slurp("$d/h.svg"), slurp("$d/e"));
	ok($st == 0 && defined $h && $h =~ /^<\?xml[^\n]*\n<svg / &&
	   defined $e && $e =~ /^<\?xml[^\n]*\n<svg /,
	   "no library: h.svg, and e (no extension), are SVG",
	   "exit $st", "stderr: $err");
}

# --- with librsvg and cairo
my @missing = grep { !DynaLoader::dl_load_file($_, 0) } qw(librsvg-2.so.2 libcairo.so.2);
if (@missing) {
	skip("PNG and PDF figures", "@missing not installed (Debian packages librsvg2-2, libcairo2)");
	print "1..$n\n";
	exit($failed ? 1 : 0);
}

{
	my $d = newdir();
	my ($st, $out, $err) = run({}, '--plot', "$d/h.png", '--claim', '0.889', $methods);
	my @wh = png_size(slurp("$d/h.png"));
	ok($st == 0 && "@wh" eq '1520 880',
	   "--plot h.png: a PNG of 1520x880 (760x440 px, twice)",
	   "exit $st", "size: @wh", "stderr: $err");
	my ($st2, $out2) = run({}, '--plot', "$d/h.svg", '--claim', '0.889', $methods);
	ok($st2 == 0 && $out eq $out2, "the same stdout as with h.svg");
	my $svg = slurp("$d/h.svg") // '';
	ok($svg =~ /<svg [^>]*width="760" height="440"/,
	   "the SVG is 760x440 px", substr($svg, 0, 300));

	($st, $out, $err) = run({}, '--plot', "$d/s.png", '--size', '360x260', $methods);
	@wh = png_size(slurp("$d/s.png"));
	ok($st == 0 && "@wh" eq '720 520', "--plot s.png --size 360x260: 720x520",
	   "exit $st", "size: @wh", "stderr: $err");

	($st, $out, $err) = run({}, '--plot-epochs', "$d/e.png", '--size', '400x300', $epochs);
	@wh = png_size(slurp("$d/e.png"));
	ok($st == 0 && "@wh" eq '800 600', "--plot-epochs e.png --size 400x300: 800x600",
	   "exit $st", "size: @wh", "stderr: $err");

	($st, $out, $err) = run({}, '--plot', "$d/h.pdf", $methods);
	my $page = pdf_page(slurp("$d/h.pdf"));
	ok($st == 0 && $page eq '570 330',
	   "--plot h.pdf: %PDF-, one page of 570x330 pt (760x440 px)",
	   "exit $st", "page: '$page'", "stderr: $err");

	($st, $out, $err) = run({}, '--plot-epochs', "$d/e.pdf", '--size', '360x260', $epochs);
	$page = pdf_page(slurp("$d/e.pdf"));
	ok($st == 0 && $page eq '270 195',
	   "--plot-epochs e.pdf --size 360x260: a page of 270x195 pt",
	   "exit $st", "page: '$page'", "stderr: $err");

	ok(listing($d) eq 'e.pdf e.png h.pdf h.png h.svg s.png',
	   "no temporary file is left", "files: " . listing($d));
}

# both figures in one run, names in capitals, an old file replaced
{
	my $d = newdir();
	open(my $fh, '>', "$d/H.PNG") or die;
	print $fh "old\n";
	close $fh;
	my ($st, $out, $err) = run({}, '--plot', "$d/H.PNG", '--plot-epochs',
	                           "$d/E.Pdf", '--size', '300x200', $epochs);
	my @wh = png_size(slurp("$d/H.PNG"));
	my $page = pdf_page(slurp("$d/E.Pdf"));
	ok($st == 0 && "@wh" eq '600 400' && $page eq '225 150',
	   "--plot H.PNG --plot-epochs E.Pdf: a PNG replacing the old file and a PDF",
	   "exit $st", "PNG size: @wh", "PDF page: '$page'", "stderr: $err");
	ok(listing($d) eq 'E.Pdf H.PNG', "only the two figures", "files: " . listing($d));
}

# unwritable: exit 3 and the message as for SVG
for my $f ('h.svg', 'h.png', 'e.pdf') {
	my ($st, $out, $err) = run({}, '--plot', "/nonexistent/dir/$f", $methods);
	ok($st == 3 && $err eq "sv-stats: /nonexistent/dir/$f: No such file or directory\n",
	   "--plot into a missing folder ($f): exit 3", "exit $st", "stderr: $err");
}
if ($> == 0) {
	skip("a read-only folder keeps the old figure", "root writes anywhere");
} else {
	my $d = newdir();
	open(my $fh, '>', "$d/h.png") or die;
	print $fh "old\n";
	close $fh;
	chmod 0555, $d;
	my ($st, $out, $err) = run({}, '--plot', "$d/h.png", $methods);
	chmod 0755, $d;
	ok($st == 3 && $err eq "sv-stats: $d/h.png: Permission denied\n" &&
	   slurp("$d/h.png") eq "old\n" && listing($d) eq 'h.png',
	   "a read-only folder: exit 3, the old figure kept",
	   "exit $st", "stderr: $err", "files: " . listing($d));
}

# a library that is not librsvg: the function it lacks
{
	my $d = newdir();
	my ($st, $out, $err) = run({ SV_RSVG_LIB => 'libcairo.so.2' },
	                           '--plot', "$d/h.png", $methods);
	ok($st == 3 && $err =~ /: libcairo\.so\.2 has no rsvg_handle_new_from_data: PNG and PDF figures need librsvg 2\.52 or later \(Debian package librsvg2-2\); a figure named \*\.svg needs no library\n\z/,
	   "SV_RSVG_LIB naming another library: exit 3, the function it lacks",
	   "exit $st", "stderr: $err");
}

print "1..$n\n";
exit($failed ? 1 : 0);
