import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { CaseView } from '../../../types.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { formatTime } from '../../../ui/format.ts';

const col = createColumnHelper<CaseView>();

/** The queue as a table; a row opens its case. */
export function CaseTable({ cases, userName }: { cases: CaseView[]; userName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const lang = i18n.language;
  const columns = useMemo(
    () => [
      col.accessor('number', { header: () => t('queue.cols.number'), cell: (c) => <Link to={`/cases/${c.row.original.id}`}>{c.getValue()}</Link> }),
      col.accessor('subject', { header: () => t('queue.cols.subject'), cell: (c) => <span className="subject">{c.getValue()}</span> }),
      col.accessor((c) => c.contact.name, { id: 'customer', header: () => t('queue.cols.customer') }),
      col.accessor('type', { header: () => t('queue.cols.type'), cell: (c) => t(`type.${c.getValue()}`, { defaultValue: c.getValue() }) }),
      col.accessor('priority', { header: () => t('queue.cols.priority'), cell: (c) => <Badge kind={c.getValue()}>{c.getValue()}</Badge> }),
      col.accessor('status', { header: () => t('queue.cols.status'), cell: (c) => <Badge kind={c.getValue()}>{t(`status.${c.getValue()}`, { defaultValue: c.getValue() })}</Badge> }),
      col.accessor('assigneeId', { header: () => t('queue.cols.assignee'), cell: (c) => userName(c.getValue()) ?? (c.getValue() ? '…' : '—') }),
      col.accessor('receivedAt', { header: () => t('queue.cols.received'), cell: (c) => formatTime(c.getValue(), lang) }),
      col.accessor('updatedAt', { header: () => t('queue.cols.updated'), cell: (c) => formatTime(c.getValue(), lang) }),
    ],
    [t, lang, userName],
  );
  const table = useReactTable({ data: cases, columns, getCoreRowModel: getCoreRowModel(), getRowId: (c) => c.id });
  return (
    <table className="table queue">
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th key={h.id} className={`col-${h.column.id}`}>
                {flexRender(h.column.columnDef.header, h.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((r) => (
          <tr key={r.id} className="clickable" onClick={() => void navigate(`/cases/${r.original.id}`)}>
            {r.getVisibleCells().map((c) => (
              <td key={c.id} className={`col-${c.column.id}`}>
                {flexRender(c.column.columnDef.cell, c.getContext())}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
