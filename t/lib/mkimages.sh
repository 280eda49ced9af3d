#!/bin/sh
# mkimages.sh - generate the image test corpus.
#
# usage: mkimages.sh OUTDIR PAYLOAD [all|qr|img|field|heldout]
#
# Needs qrencode and ImageMagick (/usr/bin/convert, or $CONVERT: on some
# machines another "convert" comes first in PATH); exits non-zero when
# they are missing or any step fails.  Noise uses fixed seeds, so the
# corpus is the same on every run.  Sets: "qr" writes qr_*, noqr_* and
# bad_*; "img" writes qr_plain.png, img_* and bad_*; "all" (default)
# everything; "field" and "heldout" the phone-photo sets described at
# gen_fieldset below (60 and 110 code images, 8 without; FIELD_COUNT in
# the environment makes a larger field draw for exploring).
# Independent images are made in parallel.  Files of the first sets:
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

# --- field sets: phone photos and screenshots as students send them ---------
# "field" (for tuning the decoder) and "heldout" (judging it) come from
# one generator with different seeds, so they share the distributions
# but no draws.  Set S writes S_NNN.jpg or S_NNN.png (NNN = 000 ..
# count-1) holding PAYLOAD-FNNN (field) or PAYLOAD-HNNN (heldout), and
# S_noqr_NN.jpg/.png without a code.  Kinds, drawn per image:
#   40 % small   12 MP photo, code 5-10 % of the width (the field report)
#   12 % medium  12 MP photo, code 12-30 %
#   10 % screen  12 MP photo of a screen: grey, moire, code 8-22 %
#   15 % shot    1080x2340 screenshot, PNG or JPEG, a quarter dark mode
#   12 % shrunk  2000x1500 .. 1280x960 JPEG (re-sent), code 15-45 %
#   11 % large   12 MP photo, code 30-55 %
# Photos: printout or phone (bezel) at any angle, perspective, dim,
# underexposed or low contrast, uneven light, blur (sigma 0.5-3 px at
# 12 MP, the softness of a phone photo at 100 %) or motion blur, noise,
# JPEG quality 68-92.  The photos without a code hold a random-dot block
# and a checkerboard (finder-like distractions).  Backgrounds: three
# 4400x3400 bases per set (normal, dim, low contrast tone; plasma,
# objects, text-like marks and noise baked in), each photo a crop at a
# drawn offset, so only the code patch (made at most 1000 px, then
# enlarged) is processed per image: a set of 118 takes about a minute on
# 2 cores.  Draws: Park-Miller in awk (exact in doubles, the same under
# mawk and gawk); the pictures themselves also depend on the ImageMagick
# version (noise, filters).
FIELD_AWK='
function rnd() { s = (s * 16807) % 2147483647; return s / 2147483647 }
function ri(a, b) { return a + int(rnd() * (b - a + 1)) }
function rf(a, b) { return a + rnd() * (b - a) }
'

# gen_base SET K SEED: SET_base_K.mpc, tone K (0 normal, 1 dim, 2 low
# contrast).  All objects in one MVG string, colours already toned, so
# that only the enlargement and the noise touch every pixel of the
# 4400x3400 base (drawn at half size: the softness of a phone lens).
gen_base() {
	case $2 in
	0) lo=6 hi=94 ;;
	1) lo=2 hi=42 ;;
	*) lo=28 hi=72 ;;
	esac
	mvg=$(awk -v seed="$3" -v lo=$lo -v hi=$hi "$FIELD_AWK"'
	function col(a, b) {
		return sprintf("fill #%02x%02x%02x ", tn(ri(a, b)), tn(ri(a, b)),
		    tn(ri(a, b)))
	}
	function tn(v) { return int(255 * lo / 100 + v * (hi - lo) / 100) }
	BEGIN {
		s = seed
		# objects: a desk mat, books, a cup
		for (i = 0; i < 7; i++) {
			x = ri(0, 2000); y = ri(0, 1500)
			printf "%s rectangle %d,%d %d,%d ", col(40, 230),
			    x, y, x + ri(150, 750), y + ri(100, 550)
		}
		printf "%s circle %d,%d %d,%d ", col(20, 240),
		    ri(250, 1950), ri(250, 1450), ri(250, 1950), ri(250, 1450)
		# a printed page: lines of word-like dark bars
		x0 = ri(100, 1200); y0 = ri(100, 900)
		printf "fill #%02x%02x%02x rectangle %d,%d %d,%d ", tn(244),
		    tn(242), tn(234), x0, y0, x0 + 750, y0 + 650
		printf "fill #%02x%02x%02x ", tn(32), tn(32), tn(32)
		for (l = 0; l < 24; l++) {
			x = x0 + 40; y = y0 + 35 + l * 25
			while (x < x0 + 700) {
				w = ri(10, 70)
				if (x + w > x0 + 710) break
				printf "rectangle %d,%d %d,%d ", x, y, x + w, y + 11
				x += w + ri(7, 11)
			}
		}
	}')
	c -seed "$3" -size 550x425 plasma:fractal -blur 0x1.5 \
	    -modulate 100,45 +level "$lo%,$hi%" -filter triangle \
	    -resize 2200x1700! -draw "$mvg" -resize 4400x3400! \
	    -attenuate 0.35 +noise Gaussian \
	    "$1_base_$2.mpc" || return 1
}

# gen_field SET PREFIX IDX SEED: one code image.
gen_field() {
	set_=$1
	name=$(printf '%s_%03d' "$1" "$3")
	pl=$(printf '%s-%s%03d' "$payload" "$2" "$3")
	eval "$(awk -v seed="$4" -v mods="$mods" "$FIELD_AWK"'
	BEGIN {
		s = seed
		for (i = 0; i < 5; i++) rnd()
		r = ri(0, 99)
		kind = r < 40 ? "small" : r < 52 ? "medium" : r < 62 ? "screen" : \
		    r < 77 ? "shot" : r < 89 ? "shrunk" : "large"
		if (rnd() < 0.6) { W = 4000; H = 3000 } else { W = 4032; H = 3024 }
		if (kind == "small") pct = rf(5, 10)
		else if (kind == "medium") pct = rf(12, 30)
		else if (kind == "screen") pct = rf(8, 22)
		else if (kind == "large") pct = rf(30, 55)
		else if (kind == "shrunk") {
			pct = rf(15, 45); k = ri(0, 2)
			W = k == 0 ? 2000 : k == 1 ? 1600 : 1280; H = W * 3 / 4
		}
		base = ri(0, 2)
		printf "kind=%s W=%d H=%d base=%d ", kind, W, H, base
		if (kind == "shot") {
			side = ri(420, 900)
			printf "side=%d sx=%d sy=%d dark=%d png=%d q=%d ", side,
			    int((1080 - side) / 2) + ri(-40, 40), ri(420, 1250),
			    rnd() < 0.25, rnd() < 0.6, ri(78, 92)
			printf "hue=#%02x%02x%02x\n", ri(0, 60), ri(120, 200), ri(60, 140)
			exit
		}
		sym = pct / 100 * W
		Q = int(sym * (mods + 8) / mods)	# with the quiet zone
		phone = kind == "screen" || rnd() < 0.4
		B1 = int(Q * (phone ? rf(0.03, 0.15) : rf(0.05, 0.4)))
		B2 = phone ? int(Q * rf(0.03, 0.10)) : 0
		P = Q + 2 * (B1 + B2)
		# Large patches are made at most 1000 px and enlarged last.
		f = P > 1000 ? 1000 / P : 1
		th = rnd() < 0.7 ? rf(-25, 25) : rf(0, 360)
		th = th * 3.14159265 / 180
		j = rf(0, 0.08); t = rf(0, 0.25); side = ri(0, 3)
		split("0 1 1 0", ux); split("0 0 1 1", uy)
		Qs = int(Q * f); B1s = int(B1 * f); B2s = int(B2 * f)
		Ps = Qs + 2 * (B1s + B2s)
		minx = miny = 1e9; maxx = maxy = -1e9; pts = ""
		for (i = 1; i <= 4; i++) {
			x = (ux[i] - 0.5) * P; y = (uy[i] - 0.5) * P
			# tilt: the corners of one side pulled together
			if ((side == 0 && uy[i] == 0) || (side == 2 && uy[i] == 1)) x *= 1 - t
			if ((side == 1 && ux[i] == 1) || (side == 3 && ux[i] == 0)) y *= 1 - t
			x += rf(-j, j) * P; y += rf(-j, j) * P
			X = x * cos(th) - y * sin(th); Y = x * sin(th) + y * cos(th)
			px[i] = X * f; py[i] = Y * f
			if (X < minx) minx = X; if (X > maxx) maxx = X
			if (Y < miny) miny = Y; if (Y > maxy) maxy = Y
		}
		for (i = 1; i <= 4; i++)
			pts = pts sprintf("%d,%d %.1f,%.1f ", ux[i] * Ps, uy[i] * Ps,
			    px[i] - minx * f, py[i] - miny * f)
		bw = int(maxx - minx) + 2; bh = int(maxy - miny) + 2
		# A patch larger than the photo is shrunk to fit.
		g = (W - 20) / bw; if ((H - 20) / bh < g) g = (H - 20) / bh
		if (g < 1) { bw = int(bw * g); bh = int(bh * g) }
		up = f < 1 || g < 1 ? \
		    sprintf("-filter triangle -resize %dx%d!", bw, bh) : ""
		printf "Q=%d B1=%d B2=%d pts=\"%s\" up=\"%s\" ", Qs, B1s, B2s,
		    pts, up
		printf "gx=%d gy=%d ox=%d oy=%d ", ri(10, W - bw - 10),
		    ri(10, H - bh - 10), ri(0, 4400 - W), ri(0, 3400 - H)
		printf "paper=gray%d ", ri(86, 98)
		if (base == 0) { lo = rf(3, 18); hi = rf(70, 95) }
		else if (base == 1) { lo = rf(1, 6); hi = rf(26, 45) }
		else { lo = rf(26, 40); hi = rf(56, 72) }
		printf "lo=%.1f hi=%.1f ", lo, hi
		printf "grad=%d shade=%d ", rnd() < 0.4, ri(62, 90)
		if (rnd() < 0.15)
			printf "blur=\"-motion-blur 0x%.1f+%d\" ", rf(1.5, 4.5) * f,
			    ri(0, 179)
		else
			printf "blur=\"-blur 0x%.2f\" ", rf(0.5, 3.0) * f * \
			    (kind == "shrunk" ? 0.5 : 1)
		printf "noise=%.2f q=%d ", rf(0.3, 1.2), ri(68, 92)
		printf "mang=%.1f mlev=%d\n", rf(1, 8), ri(68, 88)
	}')"
	qrencode -l M -s 1 -m 0 -o "$name.q.png" -- "$pl" || return 1
	if [ "$kind" = shot ]; then
		gen_shot || return 1
		rm -f "$name.q.png"
		return
	fi
	if [ "$kind" = screen ]; then
		screen="+level 28%,82% ( -size ${Q}x${Q} pattern:horizontal3 -rotate $mang -gravity center -extent ${Q}x${Q} +level $mlev%,100% ) -compose multiply -composite -compose over"
	else
		screen=
	fi
	if [ "$grad" = 1 ]; then
		P=$((Q + 2 * (B1 + B2)))
		shade="( -size ${P}x${P} gradient:white-gray$shade ) -compose multiply -composite -compose over"
	else
		shade=
	fi
	# shellcheck disable=SC2086
	c -seed "$4" "$name.q.png" -filter point -resize 800% \
	    -bordercolor white -border 32 \
	    -filter triangle -resize "${Q}x${Q}!" $screen \
	    -bordercolor "$paper" -border "$B1" -bordercolor gray8 -border "$B2" \
	    $shade +level "$lo%,$hi%" $blur \
	    -alpha set -virtual-pixel transparent -filter point \
	    -interpolate bilinear +distort Perspective "$pts" +repage \
	    -channel RGB -attenuate "$noise" +noise Gaussian +channel $up \
	    "$name.p.miff" || return 1
	c "${set_}_base_$base.mpc" -crop "${W}x${H}+$ox+$oy" +repage \
	    "$name.p.miff" -geometry "+$gx+$gy" -composite \
	    -quality "$q" -strip "$name.jpg" || return 1
	rm -f "$name.q.png" "$name.p.miff"
}

# A 1080x2340 screenshot (variables from gen_field's draw).
gen_shot() {
	if [ "$dark" = 1 ]; then neg=-negate; else neg=; fi
	if [ "$png" = 1 ]; then ext=png; qual=; else ext=jpg; qual="-quality $q"; fi
	# shellcheck disable=SC2086
	c -size 1080x2340 xc:'#f2f2f2' \
	    -fill '#ededed' -draw 'rectangle 0,0 1080,110' \
	    -fill "$hue" -draw 'rectangle 0,110 1080,260' \
	    -fill white -draw "roundrectangle 40,$((sy - 160)) 1040,$((sy + side + 140)) 30,30" \
	    -fill '#cccccc' -draw "rectangle 120,$((sy - 110)) 700,$((sy - 80))" \
	    -fill "$hue" -draw 'roundrectangle 120,2100 960,2200 20,20' \
	    \( "$name.q.png" -filter point -bordercolor white -border 4 \
	       -resize "${side}x${side}!" \) -geometry "+$sx+$sy" -composite \
	    $neg $qual -strip "$name.$ext"
}

# gen_noqr_field SET IDX SEED: a photo (0-5) or screenshot (6, 7)
# without a code, with
# code-like distractions: a random dot block, a checkerboard, stripes.
gen_noqr_field() {
	name=$(printf '%s_noqr_%02d' "$1" "$2")
	eval "$(awk -v seed="$3" "$FIELD_AWK"'
	BEGIN {
		s = seed
		for (i = 0; i < 5; i++) rnd()
		printf "base=%d ox=%d oy=%d gx=%d gy=%d n=%d th=%.1f q=%d\n",
		    ri(0, 2), ri(0, 400), ri(0, 400), ri(100, 3000), ri(100, 2000),
		    ri(20, 60), rf(-30, 30), ri(70, 92)
	}')"
	if [ "$2" -ge 6 ]; then
		c -size 1080x2340 xc:'#f2f2f2' -fill '#07c160' \
		    -draw 'rectangle 0,110 1080,260' \
		    \( -seed "$3" -size ${n}x${n} xc: +noise Random -colorspace gray \
		       -threshold 50% -filter point -resize 600x600! \) \
		    -geometry +240+700 -composite -strip "$name.png" || return 1
		return
	fi
	c "$1_base_$base.mpc" -crop "4000x3000+$ox+$oy" +repage \
	    \( -seed "$3" -size ${n}x${n} xc: +noise Random -colorspace gray \
	       -threshold 50% -filter point -resize 500x500! -blur 0x1 \
	       -background none -rotate "$th" \) -geometry "+$gx+$gy" -composite \
	    \( -size 480x480 pattern:checkerboard -filter point -resize 200% \
	       -rotate "$th" \) -geometry "+$((gx / 2 + 200))+$((gy / 2 + 400))" \
	    -composite -quality "$q" -strip "$name.jpg"
}

# gen_fieldset SET: the whole set, in $(nproc) worker loops.
gen_fieldset() {
	case $1 in
	field) seed0=1000; pre=F; count=$FIELD_COUNT ;;
	*) seed0=900000; pre=H; count=$HELDOUT_COUNT ;;
	esac
	export MAGICK_THREAD_LIMIT=1
	qrencode -l M -s 1 -m 0 -o "$1.m.png" -- "$(printf '%s-%s%03d' "$payload" "$pre" 0)"
	mods=$(c "$1.m.png" -format %w info:) || return 1
	rm -f "$1.m.png"
	for k in 0 1 2; do
		bg gen_base "$1" "$k" $((seed0 + 7 * k + 1))
	done
	field_wait || return 1
	nw=$(nproc 2>/dev/null || echo 2)
	w=0
	while [ $w -lt "$nw" ]; do
		bg field_worker "$1" "$pre" "$count" "$seed0" "$w" "$nw"
		w=$((w + 1))
	done
	field_wait || return 1
	rm -f "$1"_base_*.mpc "$1"_base_*.cache
}

field_worker() {
	i=$5
	while [ "$i" -lt "$3" ]; do
		gen_field "$1" "$2" "$i" $(($4 + 1000 + 31 * i)) || return 1
		i=$(($i + $6))
	done
	i=$5
	while [ "$i" -lt "$FIELD_NOQR" ]; do
		gen_noqr_field "$1" "$i" $(($4 + 500 + 13 * i)) || return 1
		i=$(($i + $6))
	done
}

field_wait() {
	frc=0
	for p in $pids; do
		wait "$p" || frc=1
	done
	pids=
	return $frc
}
FIELD_COUNT=${FIELD_COUNT:-60}
HELDOUT_COUNT=110
FIELD_NOQR=8


case $set in
all|qr|img) ;;
field|heldout)
	gen_fieldset "$set"
	exit $?
	;;
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
