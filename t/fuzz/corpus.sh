#!/bin/sh
# corpus.sh - regression run of the fuzz harnesses (built plain, and with
# sanitizers under tools/check) over their seed corpora and the hostile
# images of t/lib/mkimages.sh.  TAP: one line per harness and input set.
# A crash, a sanitizer report or an abort() of a harness promise fails.
set -u
srcdir=${srcdir:-.}
n=0
fail=0
run() {	# run NAME HARNESS FILES...
	name=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $?)"
		fail=1
	fi
}
run "fuzz_roster over t/fuzz/corpus/roster" t/fuzz/fuzz_roster "$srcdir"/t/fuzz/corpus/roster/*
run "fuzz_valid over t/fuzz/corpus/fields" t/fuzz/fuzz_valid "$srcdir"/t/fuzz/corpus/fields/*
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tucai-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if sh "$srcdir/t/lib/mkimages.sh" "$tmp" HX04873chdu394hf img >/dev/null 2>&1; then
	run "fuzz_qr over hostile and odd images" t/fuzz/fuzz_qr "$tmp"/*
else
	n=$((n + 1))
	echo "not ok $n - mkimages.sh could not make the image corpus"
	fail=1
fi
echo "1..$n"
exit $fail
