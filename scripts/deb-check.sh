#!/usr/bin/env bash
# make deb-check: the package on a fresh Debian bookworm root, as an office would install it.
#   1. a bookworm root from debootstrap (systemd, curl), cached as var/deb/bookworm-base.tar.gz
#      (delete it to start from the mirror again), unpacked fresh into var/deb/check-root;
#   2. the .deb installed there with apt, its Depends from the Debian mirror;
#   3. the unit started, then /healthz and /login asked on the port of the installed
#      /etc/suotdoi/suotdoi.conf (listen), both must answer 200;
#   4. systemd-analyze security's exposure level of suotdoi.service.
# Booted with systemd-nspawn, it also reloads the unit (SIGHUP), runs the nightly backup
# unit once, which must leave a complete backup (a MANIFEST) in /var/backups/suotdoi, and
# upgrades the package over data and a locally changed conffile.
# The unit is started by the first of these that works here, and the output says which:
#   (a) systemd-nspawn --boot: the root boots its own systemd (private network); apt installs
#       the package there and its postinst starts the unit, sandbox and all;
#   (b) docker, when a daemon answers: the installed root as an image, the unit's ExecStart
#       run in it as the suotdoi user (no systemd: no sandbox);
#   (c) chroot: the unit's ExecStart (read from the installed unit file) run as the suotdoi
#       user in the root, in a network namespace of its own (no systemd: no sandbox);
#       the exposure level then from systemd-analyze security --offline=true.
# DEB_CHECK_METHOD=nspawn|docker|chroot uses that one only (to check a fallback).
# Everything it mounts, starts or creates is undone on exit (KEEP=1 keeps the root).
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(readlink -f "${1:-var/deb/suotdoi.deb}")
work=$PWD/var/deb
base=$work/bookworm-base.tar.gz
root=$work/check-root
mirror=${DEB_CHECK_MIRROR:-http://deb.debian.org/debian}
want=${DEB_CHECK_METHOD:-}
t0=$(date +%s)

[ -f "$deb" ] || {
	echo "Không có gói $deb: chạy make deb trước." >&2
	exit 2
}
[ "$(id -u)" -eq 0 ] || {
	echo "make deb-check cần quyền root (debootstrap, chroot, mount)." >&2
	exit 2
}

say() { printf '[deb-check %3ds] %s\n' "$(($(date +%s) - t0))" "$*"; }

mounts=()
nspawn_pid=""
server_pid=""
netns=""
docker_name=""
cleanup() {
	set +e
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		kill -TERM "$nspawn_pid" # nspawn halts the container's systemd
		for _ in $(seq 30); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
		kill -KILL "$nspawn_pid" 2>/dev/null
	fi
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid"
		for _ in $(seq 20); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$server_pid" 2>/dev/null
	fi
	[ -n "$docker_name" ] && docker rm -f "$docker_name" >/dev/null 2>&1
	[ -n "$netns" ] && ip netns del "$netns" 2>/dev/null
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}"
	done
	mounts=()
	if [ "${KEEP:-0}" != 1 ]; then remove_root; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# rm -rf of a root with /dev bound into it would empty the host's /dev: never with a mount
remove_root() {
	[ -d "$root" ] || return 0
	if findmnt -rn -o TARGET | grep -q "^$root"; then
		echo "Còn thư mục gắn (mount) dưới $root: không xóa." >&2
		return 1
	fi
	rm -rf "$root"
}

chroot_mount() {
	mount -t proc proc "$root/proc" && mounts+=("$root/proc")
	mount --bind /dev "$root/dev" && mounts+=("$root/dev")
	mount -t sysfs sysfs "$root/sys" && mounts+=("$root/sys")
}
chroot_umount() {
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}"; done
	mounts=()
}
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive "$@"; }

# 1. the base root
if [ ! -f "$base" ]; then
	say "Tạo gốc bookworm bằng debootstrap từ $mirror (một lần, ~1-2 phút)…"
	tmp=$work/base-root.tmp
	rm -rf "$tmp"
	debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates,curl \
		bookworm "$tmp" "$mirror" >"$work/debootstrap.log" 2>&1 || {
		tail -20 "$work/debootstrap.log" >&2
		echo "debootstrap thất bại; xem var/deb/debootstrap.log." >&2
		exit 1
	}
	cat >"$tmp/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
	echo suotdoi-check >"$tmp/etc/hostname"
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
	tar -C "$tmp" -czf "$base.part" . && mv "$base.part" "$base"
	rm -rf "$tmp"
fi
remove_root
mkdir -p "$root"
tar -C "$root" -xzf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/root/suotdoi.deb"
say "Gốc bookworm sạch: var/deb/check-root (từ $(basename "$base"))."

chroot_mount
say "apt-get update trong gốc…"
in_root apt-get update -qq

method=""
# (a) systemd-nspawn --boot
if [ -z "$want" ] || [ "$want" = nspawn ]; then
	say "Thử (a) systemd-nspawn --boot…"
	in_root apt-get install -y -qq --download-only /root/suotdoi.deb >/dev/null
	chroot_umount
	systemd-nspawn -D "$root" --boot --register=no --keep-unit --private-network \
		--machine=suotdoi-check --console=pipe >"$work/nspawn.log" 2>&1 &
	nspawn_pid=$!
	state=""
	for _ in $(seq 60); do
		sleep 1
		kill -0 "$nspawn_pid" 2>/dev/null || break
		leader=$(pgrep -P "$nspawn_pid" | head -1 || true)
		[ -n "$leader" ] || continue
		state=$(nsenter -t "$leader" -a systemctl is-system-running 2>/dev/null || true)
		case "$state" in running | degraded) break ;; esac
	done
	case "$state" in
	running | degraded)
		method=nspawn
		in_c() { nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
		;;
	*)
		say "systemd-nspawn --boot không chạy được ở đây (trạng thái: ${state:-không khởi động});" \
			"xem var/deb/nspawn.log."
		kill -TERM "$nspawn_pid" 2>/dev/null || true
		wait "$nspawn_pid" 2>/dev/null || true
		nspawn_pid=""
		chroot_mount
		;;
	esac
fi

if [ "$method" = nspawn ]; then
	say "Cách khởi động: (a) systemd-nspawn --boot (systemd thật, unit có sandbox)."
	say "apt-get install ./suotdoi.deb trong máy chứa (postinst khởi động unit)…"
	# the dependencies come from apt's cache (downloaded above): the container has no network
	in_c apt-get install -y -qq /root/suotdoi.deb >"$work/apt-install.log" 2>&1 || {
		tail -20 "$work/apt-install.log" >&2
		exit 1
	}
	run() { in_c "$@"; }
else
	say "apt-get install ./suotdoi.deb trong gốc (chroot)…"
	in_root apt-get install -y -qq /root/suotdoi.deb >"$work/apt-install.log" 2>&1 || {
		tail -20 "$work/apt-install.log" >&2
		exit 1
	}
	unit=$root/lib/systemd/system/suotdoi.service
	exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
	read -r -a envs <<<"$(sed -n 's/^Environment=//p' "$unit" | tr '\n' ' ')"
	workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
	user=$(sed -n 's/^User=//p' "$unit")
	umask=$(sed -n 's/^UMask=//p' "$unit")
	[ -n "$exec_start" ] && [ -n "$user" ] || {
		echo "Không đọc được ExecStart/User trong $unit." >&2
		exit 1
	}
	if [ "$want" = nspawn ]; then
		echo "DEB_CHECK_METHOD=nspawn: systemd-nspawn --boot không chạy được." >&2
		exit 1
	elif [ "$want" != chroot ] && command -v docker >/dev/null &&
		timeout 10 docker info >/dev/null 2>&1; then
		method=docker
		chroot_umount
		say "Cách khởi động: (b) docker (không có systemd: chạy ExecStart của unit, không sandbox)."
		tar -C "$root" -c . | docker import - suotdoi-deb-check:latest >/dev/null
		docker_name=suotdoi-deb-check-$$
		# shellcheck disable=SC2086 # ExecStart's words, as systemd splits them
		docker run -d --name "$docker_name" --network none -w "$workdir" \
			suotdoi-deb-check:latest sh -c "umask ${umask:-0022} && exec \"\$@\"" sh \
			runuser -u "$user" -- env "${envs[@]}" $exec_start >/dev/null
		run() { docker exec "$docker_name" "$@"; }
	elif [ "$want" = docker ]; then
		echo "DEB_CHECK_METHOD=docker: không kết nối được docker daemon." >&2
		exit 1
	else
		method=chroot
		say "Cách khởi động: (c) chroot (không có systemd và docker: chạy ExecStart của unit" \
			"với người dùng $user, không sandbox; mạng riêng)."
		netns=suotdoi-check-$$
		ip netns add "$netns"
		ip netns exec "$netns" ip link set lo up
		say "ExecStart=$exec_start"
		# shellcheck disable=SC2086
		ip netns exec "$netns" chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 "${envs[@]}" sh -c "umask ${umask:-0022} && cd '$workdir' && exec runuser -u '$user' -- \"\$@\"" \
			sh $exec_start >"$work/server.log" 2>&1 &
		server_pid=$!
		run() { ip netns exec "$netns" chroot "$root" "$@"; }
	fi
fi

# 3. the site on the configured port
listen=$(sed -n 's/^[[:space:]]*listen[[:space:]]*=[[:space:]]*//p' "$root/etc/suotdoi/suotdoi.conf" |
	tail -1)
port=${listen##*:}
say "Cổng theo /etc/suotdoi/suotdoi.conf: listen = $listen"
ok=""
for _ in $(seq 60); do
	if run curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
		ok=1
		break
	fi
	sleep 0.5
done
status() {
	case $method in
	nspawn)
		run systemctl status suotdoi.service --no-pager -n 0 || true
		run journalctl -u suotdoi.service --no-pager -n 20 -o cat || true
		;;
	docker) docker logs --tail 20 "$docker_name" || true ;;
	chroot) tail -20 "$work/server.log" || true ;;
	esac
}
if [ -z "$ok" ]; then
	echo "Máy chủ không trả lời http://127.0.0.1:$port/healthz sau 30 giây:" >&2
	status >&2
	exit 1
fi
fail=0
for path in /healthz /login; do
	code=$(run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" || true)
	say "GET $path -> $code"
	[ "$code" = 200 ] || fail=1
done
data=$(run stat -c '%U:%G %a' /var/lib/suotdoi /var/lib/suotdoi/suotdoi.db 2>&1 | tr '\n' ' ')
say "/var/lib/suotdoi và cơ sở dữ liệu: $data"
if [ "$method" = nspawn ]; then
	say "suotdoi.service: $(run systemctl is-active suotdoi.service || true)," \
		"suotdoi-backup.timer: $(run systemctl is-active suotdoi-backup.timer || true)"
	run systemctl status suotdoi.service --no-pager -n 5 || true
	# the operator's two other verbs: a reload (SIGHUP through ExecReload) and the nightly
	# backup run now, under its own sandbox, into /var/backups/suotdoi
	run systemctl reload suotdoi.service || fail=1
	sleep 1
	if run journalctl -u suotdoi.service --no-pager -o cat | grep -q 'configuration reloaded from /etc/suotdoi/suotdoi.conf'; then
		say "systemctl reload suotdoi: cấu hình được đọc lại"
	else
		say "systemctl reload suotdoi: không thấy dòng 'configuration reloaded' trong nhật ký"
		fail=1
	fi
	run systemctl start suotdoi-backup.service || true
	manifest=$(run sh -c 'ls /var/backups/suotdoi/suotdoi-*/MANIFEST 2>/dev/null' | head -1)
	if [ -n "$manifest" ]; then
		say "suotdoi-backup.service: $manifest ($(run stat -c '%U:%G %a' "${manifest%/MANIFEST}"))"
	else
		say "suotdoi-backup.service không tạo được bản sao lưu:"
		run journalctl -u suotdoi-backup.service --no-pager -n 20 -o cat || true
		fail=1
	fi

	# An upgrade, as an office does it: units and an account in the database, a local change
	# in the conffile, then a newer package (this one repacked with a higher version) over
	# it. The service must come back with the data, the change kept and read.
	say "Nâng cấp: dữ liệu và một thay đổi trong tệp cấu hình, rồi cài gói mới hơn…"
	run runuser -u suotdoi -- suotdoi units import --config /etc/suotdoi/suotdoi.conf \
		/usr/share/suotdoi/data/dvhc/units-2025-03-01.csv >"$work/upgrade.log" 2>&1 || fail=1
	run runuser -u suotdoi -- suotdoi user add --config /etc/suotdoi/suotdoi.conf --unit VN \
		--role admin --password 'Nang@cap2026' nangcap >>"$work/upgrade.log" 2>&1 || fail=1
	run sh -c 'echo "threads = 2" >>/etc/suotdoi/suotdoi.conf'
	before=$(run dpkg-query -W -f '${Version}' suotdoi)
	run sh -c 'rm -rf /root/up && dpkg-deb -R /root/suotdoi.deb /root/up &&
		sed -i "s/^Version: .*/&+up1/" /root/up/DEBIAN/control &&
		dpkg-deb -b /root/up /root/suotdoi-up.deb >/dev/null' || fail=1
	run apt-get install -y -qq /root/suotdoi-up.deb >>"$work/upgrade.log" 2>&1 || {
		tail -20 "$work/upgrade.log" >&2
		fail=1
	}
	after=$(run dpkg-query -W -f '${Version}' suotdoi)
	up=""
	for _ in $(seq 60); do
		if run curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
			up=1
			break
		fi
		sleep 0.5
	done
	login=$(run sh -c "rm -f /tmp/jar; c=\$(curl -s -c /tmp/jar http://127.0.0.1:$port/login |
		sed -n 's/.*name=\"csrf\" value=\"\\([^\"]*\\)\".*/\\1/p' | head -n 1);
		curl -s -b /tmp/jar -o /dev/null -w '%{http_code}' --data-urlencode username=nangcap \
		--data-urlencode 'password=Nang@cap2026' --data-urlencode csrf=\$c \
		http://127.0.0.1:$port/login" || true)
	kept=$(run grep -c '^threads = 2$' /etc/suotdoi/suotdoi.conf || true)
	read_back=$(run journalctl -u suotdoi.service --no-pager -o cat |
		grep -c 'config: threads = 2 (Dòng' || true)
	answered="KHÔNG trả lời"
	[ -n "$up" ] && answered="trả lời"
	say "Nâng cấp $before -> $after: máy chủ $answered," \
		"đăng nhập tài khoản cũ -> $login, threads = 2 còn trong tệp: $kept, được đọc: $read_back"
	if [ "$after" = "$before" ] || [ -z "$up" ] || [ "$login" != 303 ] || [ "$kept" != 1 ] ||
		[ "$read_back" -lt 1 ]; then
		tail -20 "$work/upgrade.log" >&2
		fail=1
	fi
fi

# 4. the sandbox's exposure
if [ "$method" = nspawn ]; then
	run systemd-analyze security suotdoi.service --no-pager >"$work/security.txt" 2>&1 || true
	say "systemd-analyze security suotdoi.service (unit đang chạy; bảng đầy đủ: var/deb/security.txt):"
else
	[ "$method" = docker ] && chroot_mount
	in_root systemd-analyze security --offline=true /lib/systemd/system/suotdoi.service \
		--no-pager >"$work/security.txt" 2>&1 || true
	say "systemd-analyze security --offline=true (tệp unit; bảng đầy đủ: var/deb/security.txt):"
fi
grep -i "overall exposure" "$work/security.txt" || tail -3 "$work/security.txt"

if [ "$fail" -ne 0 ]; then
	echo "deb-check THẤT BẠI (cách: $method)." >&2
	status >&2
	exit 1
fi
say "deb-check đạt (cách: $method)."
