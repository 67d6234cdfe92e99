/**
 * Which font the graphs use. @napi-rs/canvas ships no font of its own; it reads the system's.
 * DejaVu Sans is on any Debian machine with fontconfig (fontconfig-config depends on
 * fonts-dejavu-core or one of the Vera/Liberation fonts tried next), which rrdtool and cairo pull in.
 */
import { GlobalFonts } from '@napi-rs/canvas';
import { RuntimeFailure } from '../core/errors.js';

const PREFERRED = ['DejaVu Sans', 'Bitstream Vera Sans', 'Liberation Sans', 'Noto Sans', 'FreeSans'] as const;
const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts'] as const;

let resolved: string | undefined;

/**
 * The family to draw text with. @throws RuntimeFailure PB_ERR_GRAPH when the machine has no
 * font at all (text would come out as empty boxes).
 */
export function graphFontFamily(): string {
  if (resolved !== undefined) return resolved;
  let families = GlobalFonts.families.map((f) => f.family);
  if (families.length === 0) {
    for (const dir of FONT_DIRS) GlobalFonts.loadFontsFromDir(dir);
    families = GlobalFonts.families.map((f) => f.family);
  }
  const pick = PREFERRED.find((f) => families.includes(f)) ?? families.find((f) => /sans/i.test(f)) ?? families[0];
  if (pick === undefined) {
    throw new RuntimeFailure(
      'PB_ERR_GRAPH',
      'no font found for graph text: install a system font (Debian: apt-get install fonts-dejavu-core)',
    );
  }
  resolved = pick;
  return pick;
}
