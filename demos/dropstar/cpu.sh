#!/bin/sh
# CPU use over a short window, printed as `key value` lines: the percentage of time the CPUs
# spent in user (with nice), system (with irq and softirq), iowait, steal and idle.
#   sh cpu.sh [window seconds, default 0.5]
window=${1:-0.5}
before=$(head -n 1 /proc/stat)
sleep "$window"
after=$(head -n 1 /proc/stat)
printf '%s\n%s\n' "$before" "$after" | awk '
NR == 1 { for (i = 2; i <= 9; i++) a[i] = $i; next }
{
  total = 0
  for (i = 2; i <= 9; i++) { d[i] = $i - a[i]; total += d[i] }
  if (total <= 0) total = 1
  printf "user %.2f\n", 100 * (d[2] + d[3]) / total
  printf "system %.2f\n", 100 * (d[4] + d[7] + d[8]) / total
  printf "iowait %.2f\n", 100 * d[6] / total
  printf "steal %.2f\n", 100 * d[9] / total
  printf "idle %.2f\n", 100 * d[5] / total
}'
