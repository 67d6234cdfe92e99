/** `procblock rrd --help`. */
export const RRD_HELP = `usage: procblock rrd <command> [options]

Inspect and manage procblock round-robin time-series files (rrdtool semantics).

commands:
  fetch <file> [--cf AVERAGE|MIN|MAX|LAST] [--start t] [--end t] [--resolution s] [--format text|json]
        print consolidated rows (text as rrdtool fetch; default: the last day, AVERAGE)
  info <file> [--format text|json]        header, data sources and archives (as rrdtool info)
  last <file>                             time of the last update (epoch seconds)
  first <file> [--rra n]                  time of the oldest row of archive n (default 0)
  graph <file> <out.png> [--title s] [--vertical-label s] [--fields a,b] [--method LINE|AREA|STACK]
        [--period 1h] [--end t] [--width 600] [--height 200] [--cf AVERAGE] [--colors #RRGGBB,…]
        render a PNG graph (written atomically)
  dump <file> [out.xml]                   export as rrdtool dump XML (to stdout without out.xml)
  restore <in.xml|-> <file> [--force]     import rrdtool dump XML (- = standard input; --force replaces a file)
  create <file> --step N [--start t] [--force] DS:name:TYPE:heartbeat:min:max… RRA:CF:xff:steps:rows…
        (without RRA:…, the default archives of SPEC §6)
  update <file> [--template ds:ds] time:value[:value…]…   (time N = now, value U = unknown)

times: epoch seconds, now, now-1h, -1d (relative to the end for --start), end-1d, start+2h
exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input
`;
