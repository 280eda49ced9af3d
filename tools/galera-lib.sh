# shellcheck shell=bash
# tools/galera-lib.sh - the Galera cluster and the app hosts of
# tools/try-galera.  Source it after tools/lib.sh (it uses start_bg,
# stop_pid, pid_of, msg, die, db_install, load_secrets, write_config,
# fcgi_start, fcgi_stop, nginx_start, nginx_stop); it defines functions only.
#
# Layout under $G (= the lib.sh instance $TUCAI_VAR, default var/galera):
#   build/            the one build, shared by both app hosts
#   secrets           one set of secrets for both app hosts (the CSRF key,
#                     the database password and the payment key must agree)
#   nginx.conf        the load balancer: etc/nginx.conf.in with every
#                     fastcgi_pass turned into an upstream over both hosts
#   run/ log/ nginx/  that nginx's pid, logs and temp folders
#   node1..3/         one mariadbd each: db/ run/mysqld.sock log/
#   app1/ app2/       one tucai instance each (lib.sh layout, build ->
#                     ../build): its FastCGI pools, its tucai.hdf with
#                     DB.Socket = node1 (app1) or node2 (app2)
#
# Ports (127.0.0.1 only), from GALERA_BASE_PORT (default 24500), node N:
#   base+N        SQL (TCP; the app uses the unix socket)
#   base+10+N     Galera group communication (gmcast)
#   base+20+N     IST receiver
#   base+30+N     SST receiver (rsync)

GALERA_NODES=${GALERA_NODES:-3}
GALERA_BASE_PORT=${GALERA_BASE_PORT:-24500}
GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
GALERA_CLUSTER=${GALERA_CLUSTER:-tucai-try}
GALERA_APPS=2
GALERA_STUDENTS=${GALERA_STUDENTS:-1000}
[[ $GALERA_STUDENTS =~ ^[0-9]+$ ]] || die "GALERA_STUDENTS must be a number"
GALERA_USER=mysql	# Debian's mariadb-server makes it
GALERA_SYNC_WAIT=${GALERA_SYNC_WAIT:-1}
[[ $GALERA_SYNC_WAIT =~ ^[0-9]+$ ]] || die "GALERA_SYNC_WAIT must be a number (wsrep_sync_wait)"
[[ $GALERA_BASE_PORT =~ ^[0-9]+$ ]] || die "GALERA_BASE_PORT must be a number"
((GALERA_NODES == 3)) || die "GALERA_NODES: only 3 is supported (quorum without an arbitrator)"

G=$TUCAI_VAR

gnode_dir() { echo "$G/node$1"; }
gnode_sock() { echo "$G/node$1/run/mysqld.sock"; }
# The pid start_bg records (root's); the server writes its own, as mysql,
# to run/mariadbd.pid.
gnode_pidfile() { echo "$G/node$1/run/mysqld.pid"; }
gnode_pattern() { printf -- '--datadir=%s/db' "$(gnode_dir "$1")"; }
gnode_pid() { pid_of "$(gnode_pidfile "$1")" "$(gnode_pattern "$1")"; }
gnode_gcomm_port() { echo $((GALERA_BASE_PORT + 10 + $1)); }

# gnode_sql N ARGS...: the mariadb client as root on node N (unix_socket).
gnode_sql() {
	local n=$1
	shift
	mariadb --no-defaults --socket="$(gnode_sock "$n")" -uroot \
		--default-character-set=utf8mb4 "$@"
}

# gnode_status N VAR: a global status variable of node N (e.g.
# wsrep_cluster_size), or nothing when the node does not answer.
gnode_status() {
	{ gnode_sql "$1" -N -B -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null || true; } | cut -f2
}

# gnode_start N [--wsrep-new-cluster]: starts node N.  Node 1 gets a fresh
# datadir from mariadb-install-db and bootstraps the cluster; nodes 2 and 3
# start empty and receive a full copy (SST, rsync) from a donor.
gnode_start() {
	local n=$1 new=${2:-} d addr i gcomm=""
	d=$(gnode_dir "$n")
	gnode_pid "$n" >/dev/null && return 0
	mkdir -p "$d/db" "$d/run" "$d/log"
	chmod 0700 "$d/db"
	if [[ $new == --wsrep-new-cluster && ! -d $d/db/mysql ]]; then
		# lib.sh's db_install, pointed at this node's folders.
		(DBDIR=$d/db LOGDIR=$d/log db_install)
	fi
	# The nodes run as mysql, not root (as lib.sh's private server does):
	# the rsync daemon that receives a state transfer runs as the node's
	# user, and started by root it would switch to nobody and find the
	# datadir closed (rsyncd.conf "uid").
	chown -R "$GALERA_USER:$GALERA_USER" "$d"
	for ((i = 1; i <= GALERA_NODES; i++)); do
		gcomm+=${gcomm:+,}127.0.0.1:$(gnode_gcomm_port "$i")
	done
	addr=127.0.0.1:$(gnode_gcomm_port "$n")
	rm -f "$(gnode_sock "$n")"
	local args=(mariadbd --no-defaults
		--datadir="$d/db" --user="$GALERA_USER" --socket="$(gnode_sock "$n")"
		--bind-address=127.0.0.1 --port=$((GALERA_BASE_PORT + n))
		--pid-file="$d/run/mariadbd.pid" --log-error="$d/log/mariadb.log"
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
		# What Galera requires of the server:
		--binlog-format=ROW --default-storage-engine=InnoDB
		--innodb-autoinc-lock-mode=2
		# Durability comes from the synchronous replication to the other
		# nodes; each node flushes its redo log about once a second.
		--innodb-flush-log-at-trx-commit=2
		--innodb-buffer-pool-size=128M
		--wsrep-on=ON --wsrep-provider="$GALERA_PROVIDER"
		--wsrep-cluster-name="$GALERA_CLUSTER"
		--wsrep-cluster-address="gcomm://$gcomm"
		--wsrep-node-name="node$n" --wsrep-node-address="$addr"
		--wsrep-provider-options="gmcast.listen_addr=tcp://$addr;ist.recv_addr=127.0.0.1:$((GALERA_BASE_PORT + 20 + n));gcache.size=64M;pc.wait_prim_timeout=PT30S"
		--wsrep-sst-method=rsync
		--wsrep-sst-receive-address="127.0.0.1:$((GALERA_BASE_PORT + 30 + n))"
		--wsrep-slave-threads=2
		# Reads wait until the node has applied every write set committed
		# anywhere before them: the next request of a student may go to
		# the other app host, hence the other node (README "Scale-out").
		--wsrep-sync-wait="$GALERA_SYNC_WAIT")
	[[ $new == --wsrep-new-cluster ]] && args+=(--wsrep-new-cluster)
	start_bg "$(gnode_pidfile "$n")" "$d/log/mariadb.out" "${args[@]}"
}

# gnode_wait N SIZE: until node N answers, is synced (wsrep_local_state 4)
# and in a primary component of SIZE nodes (120 s: an SST takes a while).
gnode_wait() {
	local n=$1 size=$2 i st cs ps
	for ((i = 0; i < 1200; i++)); do
		st=$(gnode_status "$n" wsrep_local_state)
		cs=$(gnode_status "$n" wsrep_cluster_size)
		ps=$(gnode_status "$n" wsrep_cluster_status)
		[[ $st == 4 && $ps == Primary && $cs -ge $size ]] 2>/dev/null && return 0
		if ! gnode_pid "$n" >/dev/null && ((i > 10)); then
			tail -n 30 "$(gnode_dir "$n")/log/mariadb.log" >&2 2>/dev/null || true
			die "galera node $n exited (see $(gnode_dir "$n")/log/mariadb.log)"
		fi
		sleep 0.1
	done
	tail -n 30 "$(gnode_dir "$n")/log/mariadb.log" >&2 2>/dev/null || true
	die "galera node $n not synced in a primary component of $size within 120 s (state '$st', size '$cs', status '$ps')"
}

# gnode_stop N: clean shutdown (the node leaves the cluster).
gnode_stop() { stop_pid "$(gnode_pidfile "$1")" "$(gnode_pattern "$1")" TERM 60; }

# cluster_start: node 1 bootstraps, 2 and 3 join one after the other (an
# SST each); returns once all three are synced in one primary component.
cluster_start() {
	local n
	msg "galera: bootstrapping node 1 (socket $(gnode_sock 1))"
	gnode_start 1 --wsrep-new-cluster
	gnode_wait 1 1
	for ((n = 2; n <= GALERA_NODES; n++)); do
		msg "galera: node $n joins (state transfer by rsync)"
		gnode_start "$n"
		gnode_wait "$n" "$n"
	done
	for ((n = 1; n <= GALERA_NODES; n++)); do
		gnode_wait "$n" "$GALERA_NODES"
	done
	msg "galera: $GALERA_NODES nodes synced, cluster size $(gnode_status 1 wsrep_cluster_size), $(gnode_status 1 wsrep_cluster_status)"
}

# cluster_stop: the joiners first, the first node last.  0 when something
# was stopped.
cluster_stop() {
	local n any=1
	for ((n = GALERA_NODES; n >= 1; n--)); do
		gnode_stop "$n" && any=0
	done
	return $any
}

# cluster_setup: the database, the application's account and the schema,
# done once on node 1 (DDL and grants replicate to every node).
cluster_setup() {
	(DB_SOCK=$(gnode_sock 1) db_setup)
	app_cli 1 migrate >&2 || die "tucai migrate (on node 1) failed"
}

# ---------------------------------------------------------------- app hosts

app_dir() { echo "$G/app$1"; }

# app_do N FUNCTION ARGS...: runs a lib.sh function in a subshell whose
# instance is app host N ($G/appN, build shared, tucai.hdf of its own).
app_do() {
	local n=$1
	shift
	(
		export TUCAI_VAR
		TUCAI_VAR=$(app_dir "$n")
		# shellcheck source=lib.sh
		. "$SRC/tools/lib.sh"
		"$@"
	)
}

app_cli() {
	local n=$1
	shift
	TUCAI_CONF=$(app_dir "$n")/tucai.hdf "$G/build/tucai" "$@"
}

# app_config N NODE: the instance folders and tucai.hdf of app host N from
# etc/tucai.hdf.in (lib.sh's write_config, with the shared secrets), its
# DB.Socket then set to Galera node NODE's socket.
_app_config() {
	local node=$1 sock
	# build -> ../build (tools/tucai with this TUCAI_VAR finds the CLI).
	[[ -L $TUCAI_VAR/build ]] || rm -rf "$TUCAI_VAR/build"
	mkdir -p "$TUCAI_VAR"
	ln -sfn ../build "$TUCAI_VAR/build"
	instance_dirs
	cp -p "$G/secrets" "$TUCAI_VAR/secrets"
	write_config
	sock=$(gnode_sock "$node")
	grep -q '^[[:space:]]*Socket[[:space:]]*=' "$CONF" || die "$CONF: no DB.Socket line to point at node $node"
	sed -i "s|^\([[:space:]]*Socket[[:space:]]*=\).*|\1 $sock|" "$CONF"
}
app_config() { app_do "$1" _app_config "$2"; }

_app_start() {
	local name
	for name in "${FCGI_PROGRAMS[@]}"; do
		fcgi_start "$name"
	done
}
app_start() { app_do "$1" _app_start; }

_app_stop() {
	local name any=1
	for name in "${FCGI_PROGRAMS[@]}"; do
		fcgi_stop "$name" && any=0
	done
	return $any
}
app_stop() { app_do "$1" _app_stop; }

# ---------------------------------------------------------------- nginx

# lb_config: lib.sh's nginx.conf of this instance (etc/nginx.conf.in, which
# includes the site, etc/nginx/tucai.conf.in as tools/serve fills it), with
# each "fastcgi_pass unix:.../run/POOL.sock" of the site replaced by the
# upstream tucai_POOL, one per pool, over that pool's socket on each app
# host.
lb_config() {
	local t s pools=() p n up="" site="$TUCAI_VAR/nginx-site.conf"
	subst "$SRC/etc/nginx.conf.in" "$NGINX_CONF.in-lb"
	t=$(<"$NGINX_CONF.in-lb")
	rm -f "$NGINX_CONF.in-lb"
	site_conf "$site"
	s=$(<"$site")
	mapfile -t pools < <(grep -o "fastcgi_pass unix:$TUCAI_VAR/run/[a-z]*\.sock" <<<"$s" |
		sed 's|.*/run/||; s|\.sock$||' | sort -u)
	grep -q 'fastcgi_pass unix:[^;]*\$tucai_pool\.sock' <<<"$s" && pools+=(student upload)
	mapfile -t pools < <(printf '%s\n' "${pools[@]}" | sort -u)
	((${#pools[@]} > 0)) || die "etc/nginx/tucai.conf.in: no fastcgi_pass unix:@RUN@/NAME.sock found"
	for p in "${pools[@]}"; do
		up+="    upstream tucai_$p {"$'\n'
		for ((n = 1; n <= GALERA_APPS; n++)); do
			up+="        server unix:$(app_dir "$n")/run/$p.sock max_fails=0;"$'\n'
		done
		up+="    }"$'\n'
	done
	s=$(sed -e "s|fastcgi_pass unix:$TUCAI_VAR/run/\\([a-z\$_]*\\)\\.sock;|fastcgi_pass tucai_\\1;|" <<<"$s")
	grep -q 'fastcgi_pass unix:' <<<"$s" && die "etc/nginx/tucai.conf.in: a fastcgi_pass left unconverted"
	printf '%s\n' "$s" >"$site.new"
	mv "$site.new" "$site"
	# Each request through the balancer holds two connections (the
	# student's and the one to the app host), and one worker may accept
	# most of a burst: 1024 per worker (etc/nginx.conf.in) lets about 500
	# students wait at once, and the burst has GALERA_STUDENTS at once.
	local wc=$((GALERA_STUDENTS * 2 + 1024))
	((wc < 4096)) && wc=4096
	t=$(sed -e "s|^\([[:space:]]*worker_connections\)[[:space:]]*[0-9]*;|\1 $wc;|" <<<"$t")
	grep -q "worker_connections $wc;" <<<"$t" || die "etc/nginx.conf.in: no worker_connections line"
	t=$(sed -e "0,/^events[[:space:]]*{/s||worker_rlimit_nofile $((wc * 2));\n&|" <<<"$t")
	# The upstreams go first in http { }.
	t=$(awk -v up="$up" '{ print } /^http[[:space:]]*\{/ && !done { printf "%s", "    # tools/try-galera: two app hosts\n" up; done = 1 }' <<<"$t")
	printf '%s\n' "$t" >"$NGINX_CONF.new"
	mv "$NGINX_CONF.new" "$NGINX_CONF"
}

# ---------------------------------------------------------------- conflicts

# probe_conflict: what a client sees when its transaction loses to one on
# another node.  GALERA_PROBE_ROUNDS (5) rounds: nodes 1 and 2 each update
# the same row in a transaction, hold it a second, and commit at the same
# moment; one wins, the other must get ER_LOCK_DEADLOCK (1213), the error
# that the app retries (cgi/infra/db.c).  Galera reports it both for a
# certification failure (both write sets ordered; the later one fails its
# certification: wsrep_local_cert_failures) and for a brute-force abort (the
# winner's write set, applied on the loser's node, kills the local
# transaction that holds its row: wsrep_local_bf_aborts).  Sets
# PROBE_RESULT (text) and PROBE_1213 (how many losers got 1213).
probe_conflict() {
	local rounds=${GALERA_PROBE_ROUNDS:-5} r n out codes="" other=0 c0 b0 c1 b1
	local tmp=$G/probe
	mkdir -p "$tmp"
	gnode_sql 1 <<-'SQL' || die "probe: set-up on node 1 failed"
		CREATE DATABASE IF NOT EXISTS galera_probe;
		CREATE TABLE IF NOT EXISTS galera_probe.t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB;
		REPLACE INTO galera_probe.t VALUES (1, 0);
	SQL
	_probe_counters() {
		local k s=0
		for k in 1 2; do
			s=$((s + $(gnode_status "$k" "$1")))
		done
		echo "$s"
	}
	c0=$(_probe_counters wsrep_local_cert_failures)
	b0=$(_probe_counters wsrep_local_bf_aborts)
	PROBE_1213=0
	for ((r = 1; r <= rounds; r++)); do
		local pids=()
		for n in 1 2; do
			# wsrep_sync_wait: the row as the whole cluster has it.
			printf 'SET SESSION wsrep_sync_wait = 1; START TRANSACTION; UPDATE galera_probe.t SET v = v + %d WHERE id = 1; SELECT SLEEP(1); COMMIT;\n' "$n" |
				gnode_sql "$n" -N >"$tmp/out$n" 2>"$tmp/err$n" &
			pids+=($!)
		done
		# (not a bare wait: the nodes and nginx are this shell's jobs too)
		wait "${pids[@]}" || true
		for n in 1 2; do
			out=$(<"$tmp/err$n")
			if [[ -z $out ]]; then
				codes+=" node$n:committed"
			elif [[ $out == *"ERROR 1213 "* ]]; then
				codes+=" node$n:1213"
				PROBE_1213=$((PROBE_1213 + 1))
			else
				codes+=" node$n:other"
				other=$((other + 1))
				msg "probe: node $n: $out"
			fi
		done
		codes+=";"
	done
	c1=$(_probe_counters wsrep_local_cert_failures)
	b1=$(_probe_counters wsrep_local_bf_aborts)
	gnode_sql 1 -e 'DROP DATABASE galera_probe' || true
	rm -rf "$tmp"
	PROBE_RESULT="conflict probe ($rounds rounds, the same row updated on node 1 and node 2, committed at once):${codes%;}
  losers with ER_LOCK_DEADLOCK (1213): $PROBE_1213, other errors: $other; meanwhile wsrep_local_cert_failures +$((c1 - c0)), wsrep_local_bf_aborts +$((b1 - b0)) (nodes 1+2)"
	printf '%s\n' "$PROBE_RESULT" >&2
}
