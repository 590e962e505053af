import type { ReactNode } from 'react';

/** A small coloured tag: `kind` picks the colour (a status, a priority, a state). */
export function Badge({ kind, children }: { kind: string; children: ReactNode }) {
  return <span className={`badge badge-${kind}`}>{children}</span>;
}
