import type { ReactNode } from 'react';

/** A small coloured tag: `kind` picks the colour (a status, a priority, a state). */
export function Badge({ kind, title, children }: { kind: string; title?: string; children: ReactNode }) {
  return (
    <span className={`badge badge-${kind}`} title={title}>
      {children}
    </span>
  );
}
