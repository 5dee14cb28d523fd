# Demo: the management plane in the root partition. vmms runs with its default paths; hvctl
# validates, creates, lists and shows a VM. Starting it needs the child-partition support
# (/dev/vid), so today the start fails with the worker's reason, which the demo shows too.
# timeout: 90
set -u
show() { echo; echo "# $*"; "$@" 2>&1; }

vmms >/tmp/vmms.out 2>&1 &
i=0
while [ ! -S /run/hv/vmms.sock ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "vmms did not start: $(cat /tmp/vmms.out)"; exit 1; }
  sleep 0.1
done
mkdir -p /root/demo && cd /root/demo
echo "placeholder until the test guest lands" > guest.elf
dd if=/dev/zero of=disk0.img bs=1024 count=1024 2>/dev/null
cat > demo.json <<'JSON'
{
  "name": "demo",
  "memory_mib": 64,
  "vps": 1,
  "boot": { "guest": "guest.elf" },
  "disks": [ { "path": "disk0.img", "readonly": false } ],
  "console": "log"
}
JSON
printf '{"name": "bad!", "memory_mib": 0, "vps": "two", "boot": {"guest": "none.elf"}}' > bad.json
echo "== the management plane: vmms + hvctl =="
show hvctl validate demo.json
show hvctl validate bad.json
show hvctl create demo.json || exit 1
show hvctl list || exit 1
show hvctl start demo
show hvctl show demo || exit 1
show hvctl logs demo -n 5
show hvctl delete demo || exit 1
show hvctl list --json || exit 1
