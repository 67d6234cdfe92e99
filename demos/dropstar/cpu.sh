#!/bin/sh
# CPU use over a short window, printed as `key value` lines (procblock reads them with
# `parse: kv`): the percentage of time the CPUs spent in user (with nice), system (with irq and
# softirq), iowait, steal and idle, and busy (100 - idle).
#   sh cpu.sh [window seconds] [log file] [latest file]
# With a log file, one line is appended to it, its level chosen by how busy the CPUs are; with a
# latest file, the same `key value` lines are kept there for the CPU page.
window=${1:-0.5}
log=$2
latest=$3
before=$(head -n 1 /proc/stat)
sleep "$window"
after=$(head -n 1 /proc/stat)
fields=$(printf '%s\n%s\n' "$before" "$after" | awk '
NR == 1 { for (i = 2; i <= 9; i++) a[i] = $i; next }
{
  total = 0
  for (i = 2; i <= 9; i++) { d[i] = $i - a[i]; total += d[i] }
  if (total <= 0) total = 1
  idle = 100 * d[5] / total
  printf "user %.2f\n", 100 * (d[2] + d[3]) / total
  printf "system %.2f\n", 100 * (d[4] + d[7] + d[8]) / total
  printf "iowait %.2f\n", 100 * d[6] / total
  printf "steal %.2f\n", 100 * d[9] / total
  printf "idle %.2f\n", idle
  printf "busy %.2f\n", 100 - idle
}')
printf '%s\n' "$fields"
if [ -n "$latest" ]; then
  mkdir -p "$(dirname "$latest")"
  printf '%s\n' "$fields" > "$latest.tmp" && mv "$latest.tmp" "$latest"
fi
if [ -n "$log" ]; then
  mkdir -p "$(dirname "$log")"
  printf '%s\n' "$fields" | awk -v now="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" '
    { v[$1] = $2 }
    END {
      level = v["busy"] >= 90 ? "ERROR" : v["busy"] >= 70 ? "WARN " : "INFO "
      printf "%s %s cpu: %.1f%% busy (user %s%%, system %s%%, iowait %s%%)\n", now, level, v["busy"], v["user"], v["system"], v["iowait"]
    }' >> "$log"
  # Keep the log small: past 256 KB, its newest 1,000 lines.
  if [ "$(wc -c < "$log")" -gt 262144 ]; then tail -n 1000 "$log" > "$log.tmp" && mv "$log.tmp" "$log"; fi
fi
