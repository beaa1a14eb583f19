#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Application-aware verdicts with real protocol traffic: itod classifies
# each flow's copies with nDPI and its policy decides on the application,
# the TLS SNI or the HTTP host; the module keeps the application's name and
# "itoctl flow show" reports it. TLS (openssl s_server/s_client), HTTP
# (python3 http.server, curl), SSH (OpenSSH's sshd and ssh),
# DNS (a query over UDP), a BitTorrent handshake, and bytes nDPI cannot
# name, which fall back.
# Skips (exit 4) when itod was built without nDPI. Runs inside the test VM.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

printf 'offload app tls\n' >"$tmp/probe.conf"
if ! "$ITOD" -n -c "$tmp/probe.conf" >/dev/null 2>&1; then
	echo "1..0 # SKIP itod built without nDPI"
	exit 4
fi

plan 17

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
fwctl port add f0
fwctl port add f1
# A ClientHello is 300 to 1500 bytes: nDPI needs it whole (itod.conf(5)).
fwctl set snaplen 2048
# The flows are read back at the end: none may age out before.
fwctl set udp-ageing 300 tcp-ageing 300

cat >"$tmp/itod.conf" <<CONF
offload app tls sni .example.test
inspect app tls
inspect-all app http host web.test
block app ssh
block app bittorrent
offload app dns
default inspect
set classify-timeout 5
CONF
start_itod -v
check "itod with application rules registers" registered

# app_of FILTER: the flow's "verdict app" as itoctl shows it
app_of() { flow "$1" | jq -r '"\(.verdict) \(.app)"'; }
# has_verdict FILTER WORDS: app_of says WORDS (polled: decisions take
# until the copy that names the protocol)
has_verdict() { [ "$(app_of "$1")" = "$2" ]; }

# TLS: a self-signed server, two clients with two names.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=www.example.test \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
# One server port per case, so that each case is one flow, told by its
# port.
for port in 4433 4434; do
	srv openssl s_server -quiet -accept $port -cert "$tmp/cert.pem" \
		-key "$tmp/key.pem" >/dev/null 2>&1 &
	listening ito-srv tcp $port
done
tls_client() { echo | cli timeout 5 openssl s_client -connect "10.0.2.2:$1" -servername "$2" >/dev/null 2>&1; }
tls_client 4433 www.example.test
check "TLS, SNI under example.test: offloaded, app TLS" \
	wait_for 5 has_verdict '.dport==4433' "offload TLS"
check "the decision line names the application and the SNI" \
	grep -q "app TLS sni www.example.test: offload (rule 1)" "$tmp/itod.log"
tls_client 4434 www.other.test
check "TLS, another SNI: inspected by the next rule" \
	wait_for 5 has_verdict '.dport==4434' "inspect TLS"

# HTTP: the Host header decides.
for port in 8000 8001; do
	srv python3 -m http.server --bind 10.0.2.2 $port >/dev/null 2>&1 &
	listening ito-srv tcp $port
done
check "curl gets the page" cli curl -s -o /dev/null -H "Host: web.test" http://10.0.2.2:8000/
check "HTTP to web.test: inspect-all, app HTTP" \
	wait_for 5 has_verdict '.dport==8000' "inspect-all HTTP"
cli curl -s -o /dev/null -H "Host: elsewhere.test" http://10.0.2.2:8001/
check "HTTP elsewhere: the default" wait_for 5 has_verdict '.dport==8001' "inspect HTTP"

# SSH: Debian's OpenSSH server, with a host key and a config of its own,
# and its client.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh_host_key"
cat >"$tmp/sshd_config" <<SSHD
Port 2222
ListenAddress 10.0.2.2
HostKey $tmp/ssh_host_key
PidFile $tmp/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
SSHD
mkdir -p /run/sshd
srv /usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
check "Debian's sshd listens on 10.0.2.2:2222" listening ito-srv tcp 2222
cli timeout 5 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=3 -p 2222 test@10.0.2.2 true >/dev/null 2>&1
check "SSH: blocked, app SSH" wait_for 5 has_verdict '.dport==2222' "block SSH"

# DNS: a query, decided at its first copy.
cli python3 -c '
import socket, struct
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
for label in b"host1.example.test".split(b"."):
    q += bytes([len(label)]) + label
q += b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(q, ("10.0.2.2", 53))
'
check "DNS: offloaded, app DNS" wait_for 5 has_verdict '.dport==53' "offload DNS"
check "the DNS decision names the query" grep -q "app DNS host host1.example.test: offload" "$tmp/itod.log"
# The name is in the detail view too (at once: a slow kernel must not
# age the flow out first).
id=$(flow_id '.dport==53')
check "flow get shows the application" bash -c \
	"ip netns exec ito-fw '$ITOCTL' flow get $id | grep -q 'app *: DNS'"

# Bytes nDPI cannot name: at copy 8 (classify-packets) the fallback.
srv socat -u TCP-LISTEN:9000,reuseaddr OPEN:/dev/null &
listening ito-srv tcp 9000
yes "ito selftest payload, no protocol" | head -c 100000 | cli socat -u - TCP:10.0.2.2:9000
check "unknown bytes: the default verdict, app Unknown" \
	wait_for 5 has_verdict '.dport==9000' "inspect Unknown"
echo "# $(flow '.dport==9000')"
check "... logged as a fallback to the default" grep -q "app Unknown: inspect (default)" "$tmp/itod.log"

# BitTorrent: a peer wire handshake, both ways. Last: nDPI remembers
# BitTorrent peers, and would name the flows above after them.
srv python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.0.2.2", 51413))
s.listen(4)
c, _ = s.accept()
c.recv(68)
c.sendall(b"\x13BitTorrent protocol" + bytes(8) + b"\xab" * 20 + b"-TR3000-ito-peer0000")
c.recv(4096)
' &
listening ito-srv tcp 51413
cli timeout 5 python3 -c '
import socket
s = socket.create_connection(("10.0.2.2", 51413))
s.sendall(b"\x13BitTorrent protocol" + bytes(8) + b"\xab" * 20 + b"-TR3000-ito-selftest")
s.settimeout(2)
try:
    s.recv(68)
except OSError:
    pass
' >/dev/null 2>&1
check "BitTorrent handshake: blocked, app BitTorrent" \
	wait_for 5 has_verdict '.dport==51413' "block BitTorrent"

check "no copy dropped" test "$(counter copies_dropped)" = 0
check "no inspecting flow left without a verdict" test \
	"$(fwctl -j flow show | jq '[.[]|select(.state=="inspecting")]|length')" = 0
grep " app " "$tmp/itod.log" | sed 's/^/# itod: /'

finish
