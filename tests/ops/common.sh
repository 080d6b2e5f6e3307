# Helpers sourced by the ops tests (tests/ops/*.sh), which run the binary as an operator does.

# ---- ports
# The ops tests start servers on ports they choose (nginx needs its ports written in its
# configuration, so the kernel cannot pick them at bind time).
#
# free_port VAR sets VAR to a TCP port on 127.0.0.1 that nothing listens on, chosen below the
# kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by default):
# the C tests listen on port 0 and every client connection takes a local port from that
# range, so a port picked inside it can be taken between our choice and our bind — which
# is how ops_nginx_front once failed in CI with "bind() to 127.0.0.1:33312 failed".
# A port is probed by connecting to it; ports already handed out by this shell are skipped
# (so it sets a variable rather than printing: $(free_port) would forget what it gave).
_free_port_given=" "
free_port() {
  local lo=32768 range p _
  [ $# -eq 1 ] || { echo "usage: free_port VAR" >&2; return 2; }
  if range=$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null); then
    read -r lo _ <<<"$range"
  fi
  [ "$lo" -gt 12000 ] || lo=32768 # a machine with an unusual range: stay in the low ports
  for _ in $(seq 200); do
    p=$((10000 + (RANDOM * 32768 + RANDOM) % (lo - 10000)))
    case "$_free_port_given" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      _free_port_given="$_free_port_given$p "
      printf -v "$1" %s "$p"
      return 0
    fi
  done
  echo "free_port: no free port found below $lo" >&2
  return 1
}

# ---- the server's log
# log_wait PATTERN FILE: waits up to 5 s for a line matching PATTERN (grep's basic regular
# expression) in FILE; 1 if none came. suotdoi writes a request's access line once the
# answer has gone, so a client can be done before its line is in the log: a test that reads
# the log right after a request (or after a fixed sleep, on a loaded machine) can miss it.
log_wait() {
  for _ in $(seq 50); do
    grep -q -- "$1" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  grep -q -- "$1" "$2" 2>/dev/null
}

# log_count_wait PATTERN FILE N: waits up to 5 s until at least N lines of FILE match
# PATTERN; 1 if they never did. For a line that also appeared earlier (a second reload, a
# second request to the same path), where log_wait would pass on the old one.
log_count() {
  local n
  n=$(grep -c -- "$1" "$2" 2>/dev/null) || true # grep -c fails when it counts none
  echo "${n:-0}"
}
log_count_wait() {
  for _ in $(seq 50); do
    [ "$(log_count "$1" "$2")" -ge "$3" ] && return 0
    sleep 0.1
  done
  [ "$(log_count "$1" "$2")" -ge "$3" ]
}
