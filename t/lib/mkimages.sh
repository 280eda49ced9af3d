#!/bin/sh
# mkimages.sh - generate the image test corpus.
#
# usage: mkimages.sh OUTDIR PAYLOAD [all|qr|img]
#
# Needs qrencode and ImageMagick (/usr/bin/convert, or $CONVERT: on some
# machines another "convert" comes first in PATH); exits non-zero when
# they are missing or any step fails.  Noise uses fixed seeds, so the
# corpus is the same on every run.  Sets: "qr" writes qr_*, noqr_* and
# bad_*; "img" writes qr_plain.png, img_* and bad_*; "all" (default)
# everything.  Independent images are made in parallel.  Files:
#
#   qr_*.png, qr_*.jpg   images holding PAYLOAD as a QR code:
#     qr_plain.png       plain qrencode output, 4 px modules
#     qr_screenshot.png  1080x2340 phone screen, UI around the code
#     qr_dark.png        the same in dark mode (light modules on black)
#     qr_rot90.png, qr_rot180.png, qr_rot15.png
#     qr_persp.jpg       perspective-distorted photo of a printout
#     qr_exif6.jpg       pixels turned, EXIF Orientation=6
#     qr_screen.jpg      photo of a screen: grey, low contrast, moire
#     qr_photo12mp.jpg   4000x3000 photo-like, soft + noise
#     qr_exif12mp.jpg    the same turned, with EXIF Orientation=6
#   noqr_photo.jpg       photo-like without a code (QR_NONE)
#   img_orient6.jpg      60x40 display (40x60 stored, EXIF 6): red
#                        block in the displayed top-left corner
#   img_rgba.png         transparent PNG with an opaque black square
#   img_portrait.jpg     1200x1600 "person" on light uniform background
#   img_portrait_busy.jpg the same on a busy dark background
#   img_idcard.jpg       2400x1500 ID-card-like picture
#   img_blank.jpg        uniform grey 800x600
#   img_tiny.jpg         150x100
#   bad_*                hostile files (named .png/.jpg):
#     text, html, elf, pdf, svg, empty -> not images
#     magic.jpg (JPEG signature then junk), trunc.png, trunc.jpg,
#     corrupt.jpg -> corrupt
#     flood.png (IHDR 30000x30000), flood.jpg (SOF 65535x65535) -> too big
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 OUTDIR PAYLOAD [all|qr|img]" >&2
	exit 2
fi
out=$1
payload=$2
set=${3:-all}
CONVERT=${CONVERT:-/usr/bin/convert}

command -v qrencode >/dev/null 2>&1 || { echo "$0: qrencode missing" >&2; exit 1; }
[ -x "$CONVERT" ] || { echo "$0: $CONVERT missing" >&2; exit 1; }
mkdir -p "$out"
cd "$out"
c() { "$CONVERT" "$@"; }

# Writes an EXIF APP1 segment with Orientation=6 (big-endian TIFF)
# right after the SOI of $1 into $2.
exif6() {
	{
		head -c 2 "$1"
		printf '\377\341\000\042Exif\000\000MM\000\052\000\000\000\010'
		printf '\000\001\001\022\000\003\000\000\000\001\000\006\000\000'
		printf '\000\000\000\000'
		tail -c +3 "$1"
	} >"$2"
}

# Background jobs: each gen_* function writes its own files.
pids=
bg() {
	"$@" &
	pids="$pids $!"
}

gen_screenshot() {
	# --- screenshot: status bar, title, cards, the code, buttons ----------
	c -size 1080x2340 xc:'#f2f2f2' \
	    -fill '#ededed' -draw 'rectangle 0,0 1080,110' \
	    -fill '#07c160' -draw 'rectangle 0,110 1080,260' \
	    -fill white -draw 'roundrectangle 60,330 1020,1750 30,30' \
	    -fill '#cccccc' -draw 'rectangle 120,400 700,440' \
	    -fill '#dddddd' -draw 'rectangle 120,470 900,500' \
	    -fill '#07c160' -draw 'roundrectangle 120,1900 960,2020 20,20' \
	    -fill '#333333' -draw 'circle 540,2260 540,2290' \
	    \( big.png -resize 720x720 \) -geometry +180+620 -composite \
	    -strip qr_screenshot.png
	if "$CONVERT" -list font 2>/dev/null | grep -q 'Font:'; then
		c qr_screenshot.png -fill black -pointsize 40 \
		    -annotate +80+75 '9:41   4G  87%' \
		    -fill white -pointsize 56 -annotate +80+205 'Collection code' \
		    -fill '#222222' -pointsize 36 -annotate +120+1560 \
		    'Show this code at the photo station' -strip qr_screenshot.png
	fi
	c qr_screenshot.png -negate -strip qr_dark.png
}
gen_rot() {
	# --- rotations -------------------------------------------------------
	c big.png -rotate 90 -strip qr_rot90.png
	c big.png -rotate 180 -strip qr_rot180.png
	c big.png -background white -rotate 15 -strip qr_rot15.png
}
gen_persp() {
	# --- perspective photo of a printout on a desk ------------------------
	c big.png -resize 800x800 -bordercolor white -border 80 \
	    -virtual-pixel background -background '#8a7560' \
	    +distort Perspective '0,0 120,40  960,0 880,110  0,960 30,900  960,960 940,1010' \
	    -resize 1280x1280 -gravity center -extent 1600x1200 \
	    -blur 0x1 -attenuate 0.4 -seed 7 +noise Gaussian -quality 85 -strip qr_persp.jpg
}
gen_exif() {
	# --- EXIF orientation 6: stored turned left, displayed upright --------
	c big.png -resize 700x700 -gravity center -background '#b0b0a8' \
	    -extent 1600x1200 -blur 0x0.8 -attenuate 0.3 -seed 7 +noise Gaussian \
	    -rotate -90 -quality 88 -strip turned.jpg
	exif6 turned.jpg qr_exif6.jpg
	rm -f turned.jpg
}
gen_screen() {
	# --- photo of a screen: grey, low contrast, moire, noise ------------
	c big.png -resize 900x900 +level 30%,72% -bordercolor gray25 -border 60 \
	    \( -size 1100x1100 pattern:horizontal3 +level 78%,100% \
	       -rotate 3 -gravity center -crop 1020x1020+0+0 +repage \) \
	    -compose multiply -composite -compose over \
	    -resize 70% -gravity center -background gray35 -extent 1000x1000 \
	    -rotate 6 -blur 0x1.2 -attenuate 0.6 -seed 7 +noise Gaussian \
	    -quality 80 -strip qr_screen.jpg
}
gen_noqr() {
	# --- a photo without any code ----------------------------------------
	c -size 1600x1200 gradient:'#a09080-#403830' \
	    -fill '#e0e0e0' -draw 'rectangle 300,200 900,800' \
	    -fill '#202020' -draw 'circle 1200,600 1200,800' \
	    -attenuate 0.5 -seed 7 +noise Gaussian -quality 85 -strip noqr_photo.jpg
}
gen_12mp() {
	# --- 12 MP photos -----------------------------------------------------
	# Drawn at 2000x1500 and enlarged (the blur of a phone lens),
	# then noise at full size; the turned copy comes from the same run.
	c -size 2000x1500 gradient:'#9c948a-#5a5048' \
	    -fill '#d8d4cc' -draw 'rectangle 650,350 1400,1150' \
	    \( big.png -resize 420x420 -background '#d8d4cc' -rotate 8 \) \
	    -geometry +760+480 -composite -filter triangle -resize 4000x3000! \
	    -seed 12 -attenuate 0.8 +noise Gaussian -quality 88 -strip \
	    -write qr_photo12mp.jpg -rotate -90 turned12.jpg
	exif6 turned12.jpg qr_exif12mp.jpg
	rm -f turned12.jpg
}
gen_img() {
	# --- images for the image module -------------------------------------
	# Displayed 60x40 with a red block top-left; stored turned left.
	c -size 60x40 xc:white -fill red -draw 'rectangle 0,0 19,9' \
	    -rotate -90 -quality 95 -strip o.jpg
	exif6 o.jpg img_orient6.jpg
	rm -f o.jpg
	c -size 100x100 xc:none -fill black -draw 'rectangle 25,25 74,74' \
	    -strip img_rgba.png
	c -size 1200x1600 xc:'#f4f6fb' -fill '#3a2c28' \
	    -draw 'ellipse 600,700 230,300 0,360' \
	    -fill '#33415a' -draw 'ellipse 600,1650 520,520 0,360' \
	    -attenuate 0.15 -seed 7 +noise Gaussian -quality 92 -strip img_portrait.jpg
	c -size 1200x1600 plasma:fractal -blur 0x3 -fill '#3a2c28' \
	    -draw 'ellipse 600,700 230,300 0,360' \
	    -quality 92 -strip img_portrait_busy.jpg
	c -size 2400x1500 xc:'#dfe8f0' -fill '#3060a0' \
	    -draw 'rectangle 100,100 700,900' -fill '#222222' \
	    -draw 'rectangle 900,200 2200,260' -draw 'rectangle 900,400 2000,460' \
	    -draw 'rectangle 900,600 1800,660' -draw 'rectangle 100,1200 2300,1280' \
	    -attenuate 0.3 -seed 7 +noise Gaussian -quality 90 -strip img_idcard.jpg
	c -size 800x600 xc:gray60 -quality 90 -strip img_blank.jpg
	c -size 150x100 plasma:fractal -quality 90 -strip img_tiny.jpg
}
gen_hostile() {
	# --- hostile files -----------------------------------------------------
	printf 'just some text, not an image\n' >bad_text.png
	printf '<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n' >bad_html.png
	head -c 4096 /bin/true >bad_elf.png
	printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >bad_pdf.jpg
	printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>\n' >bad_svg.png
	: >bad_empty.jpg
	{ printf '\377\330\377\340'; printf 'not really a jpeg at all, just text after a signature\n'; } >bad_magic.jpg
	n=$(wc -c <big.png); head -c $((n / 2)) big.png >bad_trunc.png
	c -size 800x600 gradient:'#a09080-#403830' -fill '#e0e0e0' \
	    -draw 'rectangle 100,100 400,400' -quality 85 -strip base.jpg
	n=$(wc -c <base.jpg); head -c $((n / 2)) base.jpg >bad_trunc.jpg
	# Corrupt: markers and junk in the middle of the entropy-coded data.
	cp base.jpg bad_corrupt.jpg
	n=$(wc -c <bad_corrupt.jpg)
	printf '\377\304\000\377\321\001\002\377\377\333garbage' |
	    dd of=bad_corrupt.jpg bs=1 seek=$((n / 3)) conv=notrunc 2>/dev/null
	# Pixel flood PNG: valid IHDR claiming 30000x30000 (CRCs precomputed),
	# a tiny IDAT and IEND; nothing like 2.7 GB of pixels exists.
	{
		printf '\211PNG\r\n\032\n'
		printf '\000\000\000\015IHDR\000\000\165\060\000\000\165\060\010\002\000\000\000\351\105\157\355'
		printf '\000\000\000\021IDAT\170\234\143\140\030\005\243\140\024\014\167\000\000\003\350\000\001\263\246\323\106'
		printf '\000\000\000\000IEND\256\102\140\202'
	} >bad_flood.png
	# JPEG whose SOF0 claims 65535x65535.
	c -size 16x16 xc:gray50 -quality 90 -strip small.jpg
	hex=$(od -An -v -tx1 small.jpg | tr -d ' \n')
	pos=0
	rest=$hex
	while :; do
		case $rest in
		*ffc0*) ;;
		*) echo "$0: no SOF0 in small.jpg" >&2; exit 1 ;;
		esac
		pre=${rest%%ffc0*}
		pos=$((pos + ${#pre}))
		if [ $((pos % 2)) -eq 0 ]; then
			break
		fi
		pos=$((pos + 1))
		rest=${rest#"${pre}"?}
	done
	off=$((pos / 2))
	cp small.jpg bad_flood.jpg
	printf '\377\377\377\377' |
	    dd of=bad_flood.jpg bs=1 seek=$((off + 5)) conv=notrunc 2>/dev/null
	rm -f base.jpg small.jpg
}

case $set in
all|qr|img) ;;
*) echo "$0: unknown set $set" >&2; exit 2 ;;
esac
qrencode -l M -s 4 -m 4 -o qr_plain.png -- "$payload"
qrencode -l M -s 12 -m 4 -o big.png -- "$payload"
if [ "$set" != img ]; then
	bg gen_12mp
	bg gen_screenshot
	bg gen_persp
	bg gen_exif
	bg gen_screen
	gen_rot
	gen_noqr
fi
if [ "$set" != qr ]; then
	bg gen_img
fi
gen_hostile
rc=0
for p in $pids; do
	wait "$p" || rc=1
done
rm -f big.png
[ $rc -eq 0 ] || echo "$0: generating failed" >&2
exit $rc
