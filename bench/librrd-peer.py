# librrd in-process (Debian's python3-rrdtool, which calls librrd's rrd_update_r/rrd_fetch_r in
# the Python process): the same loops as bench/rrd.bench.mjs, timed inside Python, printed as one
# JSON line. Every rrdtool.update() opens the file, locks it (fcntl), maps it, updates, unmaps
# and closes it: librrd's open + update + close.
#
#   python3 librrd-peer.py update <dir> <rounds> <updates per round>
#   python3 librrd-peer.py fetch <file.rrd> <rounds> <fetches per round> <start> <end>
#   python3 librrd-peer.py collect <dir> <files> <seconds>
import json
import os
import resource
import sys
import time

import rrdtool

T0 = 1_700_000_000
RRAS = ['RRA:AVERAGE:0.5:1:86400', 'RRA:AVERAGE:0.5:10:1008', 'RRA:MAX:0.5:10:1008', 'RRA:MIN:0.5:10:1008', 'RRA:AVERAGE:0.5:60:8544']
DS = ['DS:a:GAUGE:20:U:U', 'DS:b:COUNTER:20:U:U']


def sample(k):
    # the same values as bench/rrd.bench.mjs's sample(k)
    a = (k % 100) * 1.5
    return '%d:%s:%d' % (T0 + k, repr(a) if a != int(a) else int(a), k * 1000)


def update(d, rounds, n):
    f = os.path.join(d, 'librrd-single.rrd')
    rrdtool.create(f, '--start', str(T0), '--step', '1', *DS, *RRAS)
    k = 0
    for _ in range(2000):  # warm-up, as the Node side
        k += 1
        rrdtool.update(f, sample(k))
    best = float('inf')
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            k += 1
            rrdtool.update(f, sample(k))
        best = min(best, (time.perf_counter() - t) / n)
    return {'usPerUpdate': best * 1e6}


def fetch(f, rounds, n, start, end):
    best = float('inf')
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            rrdtool.fetch(f, 'AVERAGE', '-s', start, '-e', end)
        best = min(best, (time.perf_counter() - t) / n)
    return {'msPerFetch': best * 1e3}


def rss_kib():
    with open('/proc/self/status') as s:
        for line in s:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def collect(d, files, seconds):
    """Every second, one update of each of `files` files (created first), for `seconds` seconds."""
    paths = [os.path.join(d, 'p%d.rrd' % i) for i in range(files)]
    now = int(time.time())
    for p in paths:
        rrdtool.create(p, '--start', str(now - 10), '--step', '1', *DS, *RRAS)
    k = 0
    next_tick = int(time.time()) + 1
    cpu0 = None
    peak = 0
    ticks = 0
    for tick in range(seconds + 2):
        time.sleep(max(0.0, next_tick - time.time()))
        if tick == 2:  # the first two ticks are warm-up
            cpu0 = os.times()
            wall0 = time.time()
        k += 1
        for i, p in enumerate(paths):
            rrdtool.update(p, '%d:%s:%d' % (next_tick, i % 97, k * 1000 + i))
        if cpu0 is not None:
            ticks += 1
            peak = max(peak, rss_kib())
        next_tick += 1
    cpu1 = os.times()
    wall = time.time() - wall0
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    return {'cpuPercent': 100 * cpu / wall, 'peakRssMiB': peak / 1024, 'maxRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'ticks': ticks}


mode = sys.argv[1]
if mode == 'update':
    out = update(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
elif mode == 'fetch':
    out = fetch(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
elif mode == 'collect':
    out = collect(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
else:
    raise SystemExit('unknown mode ' + mode)
print(json.dumps(out))
