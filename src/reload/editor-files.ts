/**
 * Files editors write beside the file being edited, which never trigger a reload:
 * vim's swap files (`.name.swp`, `.swo`, … `*.sw?`), backups (`name~`) and its write probe
 * (`4913`, then 4913 + 123·k when taken), Emacs lock files (`.#name`) and autosaves (`#name#`).
 * Pure; used as chokidar's `ignored` and again on every event.
 */
import path from 'node:path';

const PATTERNS: readonly RegExp[] = [
  /\.sw[a-z]$/, // vim swap: .swp, .swo, .swx, ...
  /~$/, // backups (vim, Emacs, nano)
  /^\.#/, // Emacs lock files
  /^#.*#$/, // Emacs autosave
];

/** vim's probe file: 4913, or 4913 + 123·k when that name is taken. */
function isVimProbe(base: string): boolean {
  if (!/^\d+$/.test(base)) return false;
  const n = Number(base);
  return n >= 4913 && (n - 4913) % 123 === 0;
}

export function isEditorArtifact(file: string): boolean {
  const base = path.basename(file);
  return isVimProbe(base) || PATTERNS.some((re) => re.test(base));
}
