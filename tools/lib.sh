# shellcheck shell=bash
# tools/lib.sh - shared functions of tools/serve, tools/check, tools/tucai and
# tools/dbctl.  Source it; it sets SRC, TUCAI_VAR, TUCAI_PORT and the paths of
# one instance, and defines functions only (nothing runs on source).
#
# Instance layout ($TUCAI_VAR, default $SRC/var):
#   build/         out-of-tree autotools build (the programs live here)
#   db/            MariaDB datadir (private server, unix socket, no TCP)
#   run/           sockets and pid files
#   log/           nginx, MariaDB, build and application logs
#   tmp/           upload temp folder (owned by www-data)
#   nginx/         nginx's own temp folders
#   demo/          demo 采集码 PNGs
#   screenshots/   browser test screenshots
#   secrets        generated passwords (root only), reused across restarts
#   tucai.hdf      generated from etc/tucai.hdf.in (root:www-data 0640)
#   nginx.conf     generated from etc/nginx.conf.in
#
# Nothing here is global to the machine: every path is under $TUCAI_VAR and
# every process is found again through its pid file, so several instances
# (different TUCAI_VAR and TUCAI_PORT) run side by side.

umask 022

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
TUCAI_VAR=${TUCAI_VAR:-$SRC/var}
mkdir -p "$TUCAI_VAR"
TUCAI_VAR=$(cd "$TUCAI_VAR" && pwd -P)
TUCAI_PORT=${TUCAI_PORT:-8080}
[[ $TUCAI_PORT =~ ^[0-9]+$ ]] || { echo "tucai: TUCAI_PORT must be a number" >&2; exit 2; }
export SRC TUCAI_VAR TUCAI_PORT

BUILD=$TUCAI_VAR/build
DBDIR=$TUCAI_VAR/db
RUN=$TUCAI_VAR/run
LOGDIR=$TUCAI_VAR/log
CONF=$TUCAI_VAR/tucai.hdf
NGINX_CONF=$TUCAI_VAR/nginx.conf
DB_SOCK=$RUN/mysqld.sock
DB_PID=$RUN/mysqld.pid
NGINX_PID=$RUN/nginx.pid
URL=http://127.0.0.1:$TUCAI_PORT
# "upload" is student.fcgi again, in a pool of its own for the image
# uploads (/code, /idcard): decoding never starves pages, bookings and
# payment notifications.  nginx lets UPLOAD_CONN uploads in at once and
# answers the rest with its "排队中，请稍候" page (static/busy.html).
# "notify" is student.fcgi again too, for the provider's POST /pay/notify
# only: a notification never queues behind the pages that wait for the
# provider (a page worker calls the bank; the bank, or its deliverer, calls
# /pay/notify; with one pool for both, a burst of payments deadlocked until
# the 5 s timeouts).
FCGI_PROGRAMS=(student upload notify admin bank)
# Worker processes per FastCGI program: twice the cores by default.  A
# worker spends part of every request waiting (MariaDB's round trips, a
# booking's commit on disk), so one per core leaves cores idle; tools/bench
# measured 2, 4 and 8 on 2 cores (README "Performance").
TUCAI_WORKERS=${TUCAI_WORKERS:-$((2 * $(nproc 2>/dev/null || echo 1)))}
TUCAI_UPLOAD_WORKERS=${TUCAI_UPLOAD_WORKERS:-1}	# ... of the upload pool
TUCAI_NOTIFY_WORKERS=${TUCAI_NOTIFY_WORKERS:-2}	# ... of the notify pool
UPLOAD_CONN=$((TUCAI_UPLOAD_WORKERS * 4))
# The sandbox bank's deliverers (bank.fcgi --deliver), which post its
# outbox to /pay/notify outside its requests; two, so that the claiming of
# rows is exercised all the time.  TUCAI_BANK_NOTIFY_FIRST=1: the bank
# notifies before it answers the card page (Bank.NotifyFirst).
TUCAI_DELIVERERS=${TUCAI_DELIVERERS:-2}
TUCAI_BANK_NOTIFY_FIRST=${TUCAI_BANK_NOTIFY_FIRST:-0}
# WeChat sign-in through the sandbox authorisation server (bank.fcgi,
# /weixin-sandbox/): on in development and the tests; TUCAI_WEIXIN=0 leaves
# Weixin.AppId empty, as a site without a 公众号 has it.
TUCAI_WEIXIN=${TUCAI_WEIXIN:-1}
[[ $TUCAI_DELIVERERS =~ ^[0-9]+$ && $TUCAI_BANK_NOTIFY_FIRST =~ ^[01]$ ]] ||
	{ echo "tucai: TUCAI_DELIVERERS must be a number, TUCAI_BANK_NOTIFY_FIRST 0 or 1" >&2; exit 2; }
[[ $TUCAI_WEIXIN =~ ^[01]$ ]] || { echo "tucai: TUCAI_WEIXIN must be 0 or 1" >&2; exit 2; }
APP_USER=www-data

# Debian packages the build, the instance and the tests need.
TUCAI_PKGS=(build-essential autoconf automake libtool pkg-config libfcgi-dev
	clearsilver-dev libmariadb-dev mariadb-server mariadb-client
	libqrencode-dev libmagic-dev libzbar-dev libsodium-dev
	libcurl4-openssl-dev libcsv-dev libarchive-dev libpng-dev libjpeg-dev libvips-dev
	nginx-light spawn-fcgi multiwatch imagemagick chromium
	fonts-wqy-microhei gsfonts wrk zip unzip qrencode zbar-tools curl python3
	valgrind libxlsxwriter-dev python3-openpyxl libjansson-dev
	tesseract-ocr tesseract-ocr-eng libtesseract-dev libleptonica-dev fonts-ocr-b python3-pil)

msg() { printf 'tucai: %s\n' "$*" >&2; }
die() { printf 'tucai: error: %s\n' "$*" >&2; exit 1; }

need_root() {
	[[ $(id -u) -eq 0 ]] || die "run as root (nginx drops to $APP_USER, apt-get installs packages)"
}

# ---------------------------------------------------------------- packages

# ensure_packages: installs the missing Debian packages.  One dpkg-query call
# on the fast path; apt-get only when something is missing.
ensure_packages() {
	local missing=() p ok
	# One dpkg-query for all ("name=ii " per installed package; a package
	# never installed prints nothing).
	ok=$'\n'$(dpkg-query -W -f='${Package}=${db:Status-Abbrev}\n' "${TUCAI_PKGS[@]}" 2>/dev/null)$'\n' || true
	for p in "${TUCAI_PKGS[@]}"; do
		[[ $ok == *$'\n'"$p=ii "$'\n'* ]] || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0
	msg "installing ${missing[*]}"
	local sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || die "missing packages (${missing[*]}) and not root"
		sudo=(sudo)
	fi
	# Lock timeout: two instances set up at once wait for each other.
	local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get
		-o DPkg::Lock::Timeout=600 -y -q)
	"${apt[@]}" update >&2 || die "apt-get update failed"
	# Debian's nginx and mariadb packages try to start their system services;
	# that may fail in a container, harmlessly: tucai never uses them.
	"${apt[@]}" install --no-install-recommends "${missing[@]}" >&2 ||
		"${apt[@]}" install "${missing[@]}" >&2 || die "apt-get install failed"
}

# ensure_static: npm packages for static/ and the copies in static/vendor/
# that the pages link.  An offline machine with the copies present goes on.
ensure_static() {
	local s=$SRC/static
	(
		flock 9
		if [[ ! -d $s/node_modules || ( -f $s/package-lock.json &&
			$s/package-lock.json -nt $s/node_modules/.package-lock.json ) ||
			$s/package.json -nt $s/node_modules/.package-lock.json ]]; then
			msg "npm packages for static/"
			local rc=0
			if [[ -f $s/package-lock.json ]]; then
				(cd "$s" && npm ci --no-audit --no-fund --loglevel=error >&2) || rc=$?
			else
				(cd "$s" && npm install --no-audit --no-fund --loglevel=error >&2) || rc=$?
			fi
			if ((rc != 0)); then
				[[ -f $s/vendor/weui.min.css ]] || die "npm failed in static/"
				msg "warning: npm failed; keeping the existing static/vendor/"
				exit 0
			fi
		fi
		mkdir -p "$s/vendor"
		# The same files as the static/vendor rule of Makefile.am (FILE or
		# FILE:NAME), licences included: a release tarball carries them.
		local f to
		for f in weui/dist/style/weui.min.css html5-qrcode/html5-qrcode.min.js \
			weui/LICENSE.txt:weui.LICENSE.txt html5-qrcode/LICENSE:html5-qrcode.LICENSE; do
			to=${f#*:} f=${f%%:*}
			to=${to##*/}
			[[ -f $s/node_modules/$f ]] || die "static/node_modules/$f missing after npm"
			cmp -s "$s/node_modules/$f" "$s/vendor/$to" ||
				cp "$s/node_modules/$f" "$s/vendor/$to"
		done
	) 9>"$SRC/.npm.lock"
}

# ---------------------------------------------------------------- build

# ensure_build: autoreconf in the source tree when configure or Makefile.in
# is missing or older than its inputs (under a lock: other instances and
# people share the source tree), configure in $BUILD when needed, make.
ensure_build() {
	_autotools_stale() {
		local f
		[[ -x $SRC/configure && -f $SRC/Makefile.in && -f $SRC/aclocal.m4 ]] || return 0
		[[ $SRC/configure.ac -nt $SRC/configure || $SRC/Makefile.am -nt $SRC/Makefile.in ]] && return 0
		for f in "$SRC"/m4/*.m4; do
			[[ -f $f && $f -nt $SRC/aclocal.m4 ]] && return 0
		done
		return 1
	}
	if _autotools_stale; then
		(
			flock 9
			if _autotools_stale; then	# somebody else may have done it meanwhile
				msg "autoreconf"
				(cd "$SRC" && autoreconf -fi) >&2 || die "autoreconf failed"
			fi
		) 9>"$SRC/.autoreconf.lock"
	fi
	mkdir -p "$BUILD" "$LOGDIR"
	# TUCAI_CONFIGURE_FLAGS (e.g. --enable-sanitizers from tools/check):
	# a change of flags configures the build folder again.
	# Development builds stop at a warning (a user's build does not).
	local flags="--enable-werror${TUCAI_CONFIGURE_FLAGS:+ $TUCAI_CONFIGURE_FLAGS}"
	if [[ ! -f $BUILD/Makefile || ! -f $BUILD/config.status ||
		$SRC/configure -nt $BUILD/config.status ||
		$(cat "$BUILD/.configure-flags" 2>/dev/null) != "$flags" ]]; then
		msg "configure $flags (log: $LOGDIR/configure.log)"
		# shellcheck disable=SC2086  # flags are words
		if ! (cd "$BUILD" && "$SRC/configure" --prefix="$TUCAI_VAR/inst" $flags) \
			>"$LOGDIR/configure.log" 2>&1; then
			tail -n 25 "$LOGDIR/configure.log" >&2
			die "configure failed (see $LOGDIR/configure.log)"
		fi
		printf '%s' "$flags" >"$BUILD/.configure-flags"
		make -C "$BUILD" --no-print-directory clean >/dev/null 2>&1 || true
	fi
	msg "make"
	make -C "$BUILD" -j2 --no-print-directory >&2 || die "make failed"
}

# ---------------------------------------------------------------- instance

# Unix socket paths are limited to 107 bytes.
check_paths() {
	local longest=$RUN/student.sock
	((${#DB_SOCK} > ${#longest})) && longest=$DB_SOCK
	((${#longest} < 100)) || die "TUCAI_VAR path too long for unix sockets: $longest"
}

# ensure_traversable DIR: www-data (nginx workers, the FastCGI programs) must
# reach DIR.  Adds the search bit (o+x, not o+r) to ancestors that lack it.
ensure_traversable() {
	local d=$1
	runuser -u "$APP_USER" -- test -x "$d" && return 0
	local p=/ part
	local IFS=/
	for part in ${d#/}; do
		p=${p%/}/$part
		if ! runuser -u "$APP_USER" -- test -x "$p"; then
			msg "chmod o+x $p (so that $APP_USER can reach $d)"
			chmod o+x "$p"
		fi
	done
}

# instance_dirs: the folders of the instance with their owners.
instance_dirs() {
	check_paths
	local d
	for d in "$BUILD" "$DBDIR" "$RUN" "$LOGDIR" "$TUCAI_VAR/tmp" \
		"$TUCAI_VAR/nginx" "$TUCAI_VAR/demo" "$TUCAI_VAR/screenshots"; do
		mkdir -p "$d"
	done
	touch "$TUCAI_VAR/.tucai-instance"	# tools/check wipes only such folders
	chmod 0755 "$TUCAI_VAR" "$RUN"
	chmod 0700 "$DBDIR"
	if [[ $(id -u) -eq 0 ]]; then
		# The programs run as www-data: they write uploads' temp and their
		# log file.  log/ itself stays root's: root's nginx and mariadbd
		# open files there, which www-data must not be able to swap.
		chown "$APP_USER:$APP_USER" "$TUCAI_VAR/tmp"
		chmod 0750 "$TUCAI_VAR/tmp"
		chown root:root "$LOGDIR"
		chmod 0755 "$LOGDIR"
		touch "$LOGDIR/tucai.log"
		chown "$APP_USER:$APP_USER" "$LOGDIR/tucai.log"
		chmod 0640 "$LOGDIR/tucai.log"
		ensure_traversable "$TUCAI_VAR"
		ensure_traversable "$SRC/templates"
		if ! runuser -u "$APP_USER" -- test -r "$SRC/templates" ||
			! runuser -u "$APP_USER" -- test -r "$SRC/static"; then
			msg "chmod -R o+rX templates/ static/ schema/ (unreadable for $APP_USER)"
			chmod -R o+rX "$SRC/templates" "$SRC/static" "$SRC/schema"
		fi
	fi
}

randhex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# load_secrets: DB_PASSWORD, PAY_SECRET and SITE_SECRET, generated once per instance and
# kept in $TUCAI_VAR/secrets (root only); an existing tucai.hdf's values are
# taken over when the secrets file is missing.
load_secrets() {
	local f=$TUCAI_VAR/secrets
	if [[ ! -f $f ]]; then
		local dbpw='' pay=''
		if [[ -f $CONF ]]; then
			dbpw=$(sed -n 's/^[[:space:]]*Password[[:space:]]*=[[:space:]]*\([0-9a-f]*\)[[:space:]]*$/\1/p' "$CONF" | head -n1)
			pay=$(sed -n 's/^[[:space:]]*Secret[[:space:]]*=[[:space:]]*\([0-9a-f]*\)[[:space:]]*$/\1/p' "$CONF" | head -n1)
		fi
		[[ -n $dbpw ]] || dbpw=$(randhex 16)
		[[ -n $pay ]] || pay=$(randhex 32)
		(umask 077 && printf 'DB_PASSWORD=%s\nPAY_SECRET=%s\n' "$dbpw" "$pay" >"$f.new")
		mv "$f.new" "$f"
	fi
	# Instances made before Site.Secret existed get one now.
	if ! grep -q '^SITE_SECRET=' "$f"; then
		(umask 077 && { cat "$f"; printf 'SITE_SECRET=%s\n' "$(randhex 32)"; } >"$f.new")
		mv "$f.new" "$f"
	fi
	# ... and the sandbox 公众号 of WeChat sign-in (AppID, AppSecret) and the
	# key of the openids' hashes.
	if ! grep -q '^WEIXIN_IDKEY=' "$f"; then
		(umask 077 && { cat "$f"; printf 'WEIXIN_APPID=wx%s\nWEIXIN_SECRET=%s\nWEIXIN_IDKEY=%s\n' \
			"$(randhex 8)" "$(randhex 16)" "$(randhex 32)"; } >"$f.new")
		mv "$f.new" "$f"
	fi
	WEIXIN_APPID=$(sed -n 's/^WEIXIN_APPID=\([0-9a-z]*\)$/\1/p' "$f")
	WEIXIN_SECRET=$(sed -n 's/^WEIXIN_SECRET=\([0-9a-f]*\)$/\1/p' "$f")
	WEIXIN_IDKEY=$(sed -n 's/^WEIXIN_IDKEY=\([0-9a-f]*\)$/\1/p' "$f")
	[[ -n $WEIXIN_APPID && -n $WEIXIN_SECRET && -n $WEIXIN_IDKEY ]] || die "$f is damaged; remove it and the instance"
	# TUCAI_WEIXIN=0: an instance without WeChat sign-in (empty AppId).
	((TUCAI_WEIXIN)) || WEIXIN_APPID=
	DB_PASSWORD=$(sed -n 's/^DB_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
	PAY_SECRET=$(sed -n 's/^PAY_SECRET=\([0-9a-f]*\)$/\1/p' "$f")
	SITE_SECRET=$(sed -n 's/^SITE_SECRET=\([0-9a-f]*\)$/\1/p' "$f")
	[[ -n $DB_PASSWORD && -n $PAY_SECRET && -n $SITE_SECRET ]] || die "$f is damaged; remove it and the instance"
}

# subst IN OUT: replaces @SRC@ @VAR@ @PORT@ @DB_PASSWORD@ @PAY_SECRET@
# @SITE_SECRET@ @UPLOAD_CONN@ @BANK_NOTIFY_FIRST@ @WEIXIN_APPID@
# @WEIXIN_SECRET@ @WEIXIN_IDKEY@ (in bash, so that no secret appears in a
# process's arguments).
subst() {
	local t
	t=$(<"$1")
	t=${t//@SRC@/$SRC}
	t=${t//@VAR@/$TUCAI_VAR}
	t=${t//@PORT@/$TUCAI_PORT}
	t=${t//@DB_PASSWORD@/$DB_PASSWORD}
	t=${t//@PAY_SECRET@/$PAY_SECRET}
	t=${t//@SITE_SECRET@/$SITE_SECRET}
	t=${t//@UPLOAD_CONN@/$UPLOAD_CONN}
	t=${t//@BANK_NOTIFY_FIRST@/$TUCAI_BANK_NOTIFY_FIRST}
	t=${t//@WEIXIN_APPID@/$WEIXIN_APPID}
	t=${t//@WEIXIN_SECRET@/$WEIXIN_SECRET}
	t=${t//@WEIXIN_IDKEY@/$WEIXIN_IDKEY}
	printf '%s\n' "$t" >"$2.new"
	mv "$2.new" "$2"
}

# write_config: tucai.hdf and nginx.conf, regenerated at each start (so a
# change of port or source path is picked up); secrets stay.
write_config() {
	load_secrets
	(umask 027 && subst "$SRC/etc/tucai.hdf.in" "$CONF")
	if [[ $(id -u) -eq 0 ]]; then
		chgrp "$APP_USER" "$CONF"
	fi
	chmod 0640 "$CONF"
	subst "$SRC/etc/nginx.conf.in" "$NGINX_CONF"
	site_conf "$TUCAI_VAR/nginx-site.conf"
}

# site_conf OUT: etc/nginx/tucai.conf.in for this instance: plain http on
# 127.0.0.1:$TUCAI_PORT, the instance's sockets and the source's static/.
# (make install fills the same file for a TLS site.)
site_conf() {
	local t
	t=$(<"$SRC/etc/nginx/tucai.conf.in")
	t=${t//@LISTEN@/    listen 127.0.0.1:$TUCAI_PORT;
    server_name localhost;}
	t=${t//@RUN@/$RUN}
	t=${t//@STATIC@/$SRC/static}
	t=${t//@ACCESS_LOG@/$LOGDIR/nginx-access.log}
	t=${t//@UPLOAD_CONN@/$UPLOAD_CONN}
	t=${t//@EXTRA_SERVERS@/}
	printf '%s\n' "$t" >"$1.new"
	mv "$1.new" "$1"
}

# ---------------------------------------------------------------- processes

# pid_of FILE PATTERN: prints the pid in FILE when that process is alive and
# its command line contains PATTERN (so a stale file or a reused pid never
# makes us signal somebody else's process).  A zombie has an empty command
# line and counts as gone.
pid_of() {
	local pid
	[[ -r $1 ]] || return 1
	read -r pid <"$1" 2>/dev/null || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
	echo "$pid"
}

# stop_pid FILE PATTERN SIGNAL SECONDS: signals the process, waits for it to
# go, then kills its process group (each service runs in its own session, see
# start_bg) so that no worker is left behind.
stop_pid() {
	local f=$1 pat=$2 sig=$3 secs=$4 pid i
	pid=$(pid_of "$f" "$pat") || { rm -f "$f"; return 1; }
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < secs * 10; i++)); do
		pid_of "$f" "$pat" >/dev/null || break	# gone (or a zombie)
		sleep 0.1
	done
	if pid_of "$f" "$pat" >/dev/null; then
		msg "process $pid did not stop in ${secs}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# The rest of its session (e.g. FastCGI workers whose multiwatch died).
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$f"
	return 0
}

# start_bg PIDFILE LOGFILE CMD...: starts CMD in its own session (so a
# Ctrl-C in the terminal reaches only tools/serve, which then stops things
# in order) and records its pid.  In a non-interactive shell a background
# job is not a process group leader, so setsid execs instead of forking and
# $! is the service's own pid.
start_bg() {
	local pidfile=$1 logfile=$2
	shift 2
	setsid "$@" </dev/null >>"$logfile" 2>&1 &
	echo "$!" >"$pidfile"
}

# ---------------------------------------------------------------- MariaDB

DB_PATTERN() { printf -- '--datadir=%s' "$DBDIR"; }

db_pid() { pid_of "$DB_PID" "$(DB_PATTERN)"; }

db_install() {
	msg "creating the database in $DBDIR"
	mariadb-install-db --no-defaults --datadir="$DBDIR" --user=root \
		--auth-root-authentication-method=normal --skip-test-db \
		>"$LOGDIR/mariadb-install.log" 2>&1 ||
		{ tail -n 20 "$LOGDIR/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
}

# The server runs with MariaDB's defaults (innodb_flush_log_at_trx_commit=1:
# every commit is on disk before it returns; no binary log).
# TUCAI_DB_ARGS adds options for an experiment, e.g. the binary log with
# its group commit: "--log-bin=$TUCAI_VAR/db/binlog --sync-binlog=1"
# (README "Performance").
db_start() {
	db_pid >/dev/null && return 0
	[[ -d $DBDIR/mysql ]] || db_install
	rm -f "$DB_SOCK"
	local extra=()
	read -r -a extra <<<"${TUCAI_DB_ARGS:-}"
	start_bg "$DB_PID" "$LOGDIR/mariadb.out" mariadbd --no-defaults \
		--datadir="$DBDIR" --user=root --socket="$DB_SOCK" --skip-networking \
		--pid-file="$DB_PID" --log-error="$LOGDIR/mariadb.log" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		"${extra[@]}"
	db_wait
}

# db_wait: until the server answers a ping (30 s), or die when it exited.
db_wait() {
	local i
	for ((i = 0; i < 300; i++)); do
		mariadb-admin --no-defaults --socket="$DB_SOCK" ping >/dev/null 2>&1 && return 0
		if ! db_pid >/dev/null && ((i > 5)); then
			tail -n 20 "$LOGDIR/mariadb.log" >&2 2>/dev/null || true
			die "mariadbd exited (see $LOGDIR/mariadb.log)"
		fi
		sleep 0.1
	done
	die "mariadbd did not answer within 30 s (see $LOGDIR/mariadb.log)"
}

db_stop() { stop_pid "$DB_PID" "$(DB_PATTERN)" TERM 60; }

# db_kill: SIGKILL, no clean shutdown (for crash tests).
db_kill() {
	local pid i
	pid=$(db_pid) || return 1
	kill -KILL "$pid"
	for ((i = 0; i < 100; i++)); do
		[[ -e /proc/$pid/cmdline && -n $(tr -d '\0' <"/proc/$pid/cmdline" 2>/dev/null) ]] || break
		sleep 0.1
	done
}

# shellcheck disable=SC2120  # callers may add client options
db_root() {
	mariadb --no-defaults --socket="$DB_SOCK" -uroot --default-character-set=utf8mb4 "$@"
}

# db_setup: the database and the application's account, idempotent; the
# password is set from the secrets file each time.  The SQL goes through
# stdin so that the password never shows in a process list.  Root may then
# log in only as the system's root (unix_socket), not as www-data.  The
# programs' account may change rows and nothing else, as schema/grants.sql
# makes it in production; `tucai migrate` runs as root (DB.AdminUser).
db_setup() {
	load_secrets
	db_root <<-SQL || die "database set-up failed"
		CREATE DATABASE IF NOT EXISTS tucai CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS 'tucai'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		ALTER USER 'tucai'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'tucai'@'localhost';
		GRANT SELECT, INSERT, UPDATE, DELETE ON tucai.* TO 'tucai'@'localhost';
		ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;
		FLUSH PRIVILEGES;
	SQL
}

# ---------------------------------------------------------------- FastCGI

fcgi_pidfile() { echo "$RUN/$1.pid"; }
fcgi_prog() {
	case $1 in
	upload | notify) echo "$BUILD/student.fcgi" ;;
	*) echo "$BUILD/$1.fcgi" ;;
	esac
}
fcgi_workers() {
	case $1 in
	upload) echo "$TUCAI_UPLOAD_WORKERS" ;;
	notify) echo "$TUCAI_NOTIFY_WORKERS" ;;
	*) echo "$TUCAI_WORKERS" ;;
	esac
}
fcgi_pattern() { fcgi_prog "$1"; }
fcgi_pid() { pid_of "$(fcgi_pidfile "$1")" "$(fcgi_pattern "$1")"; }

# fcgi_start NAME: spawn-fcgi binds the socket and execs multiwatch, which
# keeps TUCAI_WORKERS copies of the program running (a killed worker is
# restarted).  The programs get a clean environment; spawn-fcgi passes it on
# unchanged.  Their stdout/stderr go nowhere: they log to Log.File.
# prog_env: the clean environment of the programs (in the array ENVV):
# TUCAI_* and sanitizer settings pass through (e.g. for debugging runs).
prog_env() {
	# OMP_THREAD_LIMIT=1: Tesseract (ID cards) reads on one core per worker.
	ENVV=(PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 OMP_THREAD_LIMIT=1 "TUCAI_CONF=$CONF")
	local v
	for v in $(compgen -e); do
		case $v in
		TUCAI_CONF) ;;
		TUCAI_* | ASAN_OPTIONS | UBSAN_OPTIONS | LSAN_OPTIONS) ENVV+=("$v=${!v}") ;;
		esac
	done
}

fcgi_start() {
	local name=$1 prog sock=$RUN/$1.sock
	prog=$(fcgi_prog "$name")
	fcgi_pid "$name" >/dev/null && return 0
	[[ -x $prog ]] || die "$prog missing (build failed?)"
	rm -f "$sock"
	local ENVV
	prog_env
	local envv=("${ENVV[@]}")
	start_bg "$(fcgi_pidfile "$name")" "$LOGDIR/fcgi-$name.out" \
		env -i "${envv[@]}" \
		spawn-fcgi -n -s "$sock" -M 0660 -U "$APP_USER" -G "$APP_USER" \
		-u "$APP_USER" -g "$APP_USER" -d "$TUCAI_VAR/tmp" -- \
		/usr/bin/multiwatch -f "$(fcgi_workers "$name")" -r 10 -t 2000 -- "$prog"
}

fcgi_stop() { stop_pid "$(fcgi_pidfile "$1")" "$(fcgi_pattern "$1")" TERM 10 && rm -f "$RUN/$1.sock"; }

# ---------------------------------------------------------------- deliverers

# The sandbox bank's deliverers: `bank.fcgi --deliver`, as www-data (setpriv
# execs, so the pid file holds the loop's own pid and SIGTERM reaches it),
# numbered 1..TUCAI_DELIVERERS.  They post the bank's outbox to
# Pay.NotifyUrl with retries; rows wait in the database while none runs.
deliver_pidfile() { echo "$RUN/deliver-$1.pid"; }
deliver_pattern() { echo "$BUILD/bank.fcgi --deliver"; }
deliver_start() {
	local i ENVV
	[[ -x $BUILD/bank.fcgi ]] || die "$BUILD/bank.fcgi missing (build failed?)"
	prog_env
	for ((i = 1; i <= TUCAI_DELIVERERS; i++)); do
		pid_of "$(deliver_pidfile "$i")" "$(deliver_pattern)" >/dev/null && continue
		start_bg "$(deliver_pidfile "$i")" "$LOGDIR/deliver.out" \
			env -i "${ENVV[@]}" setpriv --reuid="$APP_USER" --regid="$APP_USER" \
			--init-groups -- "$BUILD/bank.fcgi" --deliver
	done
}
# deliver_stop: every deliverer that has a pid file (also those above a
# lowered TUCAI_DELIVERERS).  0 when one was stopped.
deliver_stop() {
	local f any=1
	for f in "$RUN"/deliver-*.pid; do
		[[ -e $f ]] || continue
		stop_pid "$f" "$(deliver_pattern)" TERM 10 && any=0
	done
	return $any
}

# ---------------------------------------------------------------- sweeper

# What cron does in production (`tucai sweep`: expire unpaid seat holds,
# lapse payment holds, ask the provider about unheard orders), every
# TUCAI_SWEEP_SECONDS (default 60; 0: none, as in tools/check, whose tests
# run the sweep themselves).
sweep_pidfile() { echo "$RUN/sweep.pid"; }
sweep_pattern() { echo "tucai-sweeper $TUCAI_VAR"; }
sweep_start() {
	local secs=${TUCAI_SWEEP_SECONDS:-60}
	[[ $secs =~ ^[0-9]+$ ]] && ((secs > 0)) || return 0
	pid_of "$(sweep_pidfile)" "$(sweep_pattern)" >/dev/null && return 0
	# shellcheck disable=SC2016  # expanded by the inner shell
	start_bg "$(sweep_pidfile)" "$LOGDIR/sweep.log" \
		bash -c 'while sleep "$1"; do TUCAI_CONF="$2" "$3" sweep; done' \
		"$(sweep_pattern)" "$secs" "$CONF" "$BUILD/tucai"
}
sweep_stop() { stop_pid "$(sweep_pidfile)" "$(sweep_pattern)" TERM 5; }

# ---------------------------------------------------------------- nginx

nginx_pattern() { echo "$NGINX_CONF"; }
nginx_pid() { pid_of "$NGINX_PID" "$(nginx_pattern)"; }

nginx_start() {
	nginx_pid >/dev/null && return 0
	local n=(nginx -e "$LOGDIR/nginx-error.log" -p "$TUCAI_VAR/nginx" -c "$NGINX_CONF")
	"${n[@]}" -t -q 2>"$LOGDIR/nginx-t.log" ||
		{ cat "$LOGDIR/nginx-t.log" >&2; die "nginx configuration invalid"; }
	# nginx writes its pid file itself (daemon off; same pid as $!).
	start_bg "$NGINX_PID" "$LOGDIR/nginx.out" "${n[@]}"
}

nginx_stop() { stop_pid "$NGINX_PID" "$(nginx_pattern)" TERM 10; }

# site_wait: until / answers with something other than a gateway error.
site_wait() {
	local i code=000
	for ((i = 0; i < 300; i++)); do
		code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "$URL/" || true)
		case $code in
		000 | 502 | 504) ;;
		*) [[ $code == 200 ]] || msg "warning: GET / answers $code"; return 0 ;;
		esac
		if ! nginx_pid >/dev/null && ((i > 10)); then
			tail -n 20 "$LOGDIR/nginx-error.log" >&2 2>/dev/null || true
			die "nginx exited (see $LOGDIR/nginx-error.log)"
		fi
		sleep 0.1
	done
	tail -n 20 "$LOGDIR/nginx-error.log" "$LOGDIR/tucai.log" >&2 2>/dev/null || true
	die "$URL/ did not answer within 30 s (last status $code)"
}

# ---------------------------------------------------------------- whole instance

instance_running() { nginx_pid >/dev/null; }

# stop_all: in order: nginx (no new requests), the programs, the database.
# Returns 0 when something was stopped.
stop_all() {
	local any=1 name
	sweep_stop && any=0
	deliver_stop && any=0
	nginx_stop && any=0
	for name in "${FCGI_PROGRAMS[@]}"; do
		fcgi_stop "$name" && any=0
	done
	db_stop && any=0
	return $any
}

cli() { TUCAI_CONF=$CONF "$BUILD/tucai" "$@"; }

# demo_load: demo schools, tasks, slots, rosters, users and 采集码 images,
# once per instance (marker .demo-loaded), unless TUCAI_DEMO=0.
demo_load() {
	[[ ${TUCAI_DEMO:-1} == 0 ]] && return 0
	[[ -f $TUCAI_VAR/.demo-loaded ]] && return 0
	msg "loading demo data"
	local from to d i fx=$SRC/t/fixtures
	from=$(TZ=Asia/Shanghai date +%F)
	to=$(TZ=Asia/Shanghai date -d "$from +14 days" +%F)
	_demo_fail() { die "demo data: '$*' failed (TUCAI_DEMO=0 skips the demo; or remove $TUCAI_VAR to start afresh)"; }
	_demo() { cli "$@" >/dev/null || _demo_fail "tucai $*"; }
	_demo_slots() {
		local t=$1 day
		for ((i = 0; i <= 14; i++)); do
			day=$(TZ=Asia/Shanghai date -d "$from +$i days" +%F)
			_demo slots add "$t" --date "$day" --from 08:00 --to 11:30 --every 30 --capacity 10
			_demo slots add "$t" --date "$day" --from 14:00 --to 17:00 --every 30 --capacity 10
		done
	}
	_demo school add 90016 北京大学
	_demo task add PKU2026 --school 90016 --title "北京大学2026届毕业生图像采集" \
		--from "$from" --to "$to" --fee 40
	_demo_slots PKU2026
	_demo_roster() {
		if [[ -f $2 ]]; then
			cli roster import "$1" "$2" >&2 || _demo_fail "tucai roster import $1 $2"
		else
			msg "warning: $2 missing: task $1 has no roster"
		fi
	}
	_demo_roster PKU2026 "$fx/roster-demo.csv"
	_demo school add 10001 清华大学
	_demo task add THU2026 --school 10001 --title "清华大学2026届毕业生图像采集" \
		--from "$from" --to "$to" --fee 40 --require-id-photo
	_demo_slots THU2026
	_demo_roster THU2026 "$fx/roster-gbk.csv"
	echo tucai-demo | cli user add operator --role operator >/dev/null || _demo_fail "tucai user add operator"
	echo tucai-demo | cli user add teacher --role teacher --school 90016 >/dev/null || _demo_fail "tucai user add teacher"
	echo tucai-demo | cli user add staff --role staff >/dev/null || _demo_fail "tucai user add staff"
	demo_images
	touch "$TUCAI_VAR/.demo-loaded"
}

# demo_images: a QR PNG for every 采集码 of the demo roster.
demo_images() {
	local csv=$SRC/t/fixtures/roster-demo.csv code
	[[ -f $csv ]] || return 0
	mkdir -p "$TUCAI_VAR/demo"
	while IFS= read -r code; do
		[[ $code =~ ^[A-Za-z0-9_-]+$ ]] || { msg "warning: odd 采集码 '$code' skipped"; continue; }
		qrencode -s 8 -o "$TUCAI_VAR/demo/$code.png" "$code"
	done < <(python3 - "$csv" <<-'PY'
		import csv, sys
		with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
		    for row in csv.DictReader(f):
		        code = (row.get("采集码") or "").strip()
		        if code:
		            print(code)
	PY
	)
}
