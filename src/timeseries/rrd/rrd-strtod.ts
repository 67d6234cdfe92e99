/**
 * rrdtool's own string → double conversion (rrd_strtod.c), which rrdtool 1.7 uses for update
 * times and GAUGE/ABSOLUTE values. It is not correctly rounded (digits accumulate in a double,
 * then the exponent is applied by repeated squaring), so to fetch the same values as rrdtool
 * we parse the same way. Returns NaN when the string is not a number.
 */
const DBL_MIN_EXP = -1021;
const DBL_MAX_EXP = 1024;

export function rrdStrtod(str: string): number {
  let p = 0;
  const n = str.length;
  while (p < n && /\s/.test(str[p]!)) p++;
  let negative = false;
  if (str[p] === '-') {
    negative = true;
    p++;
  } else if (str[p] === '+') p++;
  let num = 0;
  let exponent = 0;
  let digits = 0;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (isDigit(str[p])) {
    num = num * 10 + (str.charCodeAt(p) - 48);
    p++;
    digits++;
  }
  if (str[p] === '.') {
    p++;
    let decimals = 0;
    while (isDigit(str[p])) {
      num = num * 10 + (str.charCodeAt(p) - 48);
      p++;
      digits++;
      decimals++;
    }
    exponent -= decimals;
  }
  if (digits === 0) {
    const s = str.trim().toLowerCase();
    if (s.startsWith('-nan') || s.startsWith('nan')) return NaN;
    if (s.startsWith('inf')) return Infinity;
    if (s.startsWith('-inf')) return -Infinity;
    return NaN;
  }
  if (negative) num = -num;
  if (str[p] === 'e' || str[p] === 'E') {
    p++;
    let eneg = false;
    if (str[p] === '-') {
      eneg = true;
      p++;
    } else if (str[p] === '+') p++;
    let e = 0;
    while (isDigit(str[p])) {
      e = e * 10 + (str.charCodeAt(p) - 48);
      p++;
    }
    exponent += eneg ? -e : e;
  }
  if (p !== n) return NaN;
  if (exponent < DBL_MIN_EXP || exponent > DBL_MAX_EXP) return Infinity;
  let p10 = 10;
  let k = Math.abs(exponent);
  while (k) {
    if (k & 1) num = exponent < 0 ? num / p10 : num * p10;
    k >>= 1;
    p10 *= p10;
  }
  return num;
}
