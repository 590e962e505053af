import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { CaseListItem, NextDeadline } from '../../../types.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { formatMinutes, formatTime } from '../../../ui/format.ts';

const col = createColumnHelper<CaseListItem>();

/** The clock the queue's "time left" counts from, ticking each half minute. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

type Shown = 'breached' | 'warned' | 'running' | 'paused';
/** How the deadline shows now: breached once its time has passed, whatever the API said a moment ago. */
const shownState = (d: NextDeadline, now: number): Shown => (d.state === 'paused' ? 'paused' : d.state === 'breached' || (d.dueAt !== null && d.dueAt <= now) ? 'breached' : d.state);

/**
 * The order of "time left" (ascending): overdue first (longest overdue first), then by deadline,
 * then paused (least business time left first), then cases with none (resolved, closed, no commitment).
 */
const deadlineKey = (d: NextDeadline | null): number => (d === null ? Number.MAX_SAFE_INTEGER : d.dueAt !== null ? d.dueAt : Number.MAX_SAFE_INTEGER / 2 + (d.pausedMinutesLeft ?? 0));

/** The queue as a table; a row opens its case; "time left" sorts on a click of its header. */
export function CaseTable({ cases, userName }: { cases: CaseListItem[]; userName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const lang = i18n.language;
  const now = useNow();
  const [sorting, setSorting] = useState<SortingState>([]);
  const columns = useMemo(
    () => [
      col.accessor('number', { header: () => t('queue.cols.number'), cell: (c) => <Link to={`/cases/${c.row.original.id}`}>{c.getValue()}</Link>, enableSorting: false }),
      col.accessor('subject', { header: () => t('queue.cols.subject'), cell: (c) => <span className="subject">{c.getValue()}</span>, enableSorting: false }),
      col.accessor((c) => c.contact.name, { id: 'customer', header: () => t('queue.cols.customer'), enableSorting: false }),
      col.accessor('type', { header: () => t('queue.cols.type'), cell: (c) => t(`type.${c.getValue()}`, { defaultValue: c.getValue() }), enableSorting: false }),
      col.accessor('priority', { header: () => t('queue.cols.priority'), cell: (c) => <Badge kind={c.getValue()}>{c.getValue()}</Badge>, enableSorting: false }),
      col.accessor('status', { header: () => t('queue.cols.status'), cell: (c) => <Badge kind={c.getValue()}>{t(`status.${c.getValue()}`, { defaultValue: c.getValue() })}</Badge>, enableSorting: false }),
      col.accessor((c) => deadlineKey(c.nextDeadline), {
        id: 'deadline',
        header: () => t('queue.cols.deadline'),
        cell: (c) => <TimeLeft d={c.row.original.nextDeadline} now={now} />,
        sortingFn: 'basic',
        sortDescFirst: false,
      }),
      col.accessor('assigneeId', { header: () => t('queue.cols.assignee'), cell: (c) => userName(c.getValue()) ?? (c.getValue() ? '…' : '—'), enableSorting: false }),
      col.accessor('receivedAt', { header: () => t('queue.cols.received'), cell: (c) => formatTime(c.getValue(), lang), enableSorting: false }),
      col.accessor('updatedAt', { header: () => t('queue.cols.updated'), cell: (c) => formatTime(c.getValue(), lang), enableSorting: false }),
    ],
    [t, lang, userName, now],
  );
  const table = useReactTable({
    data: cases,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (c) => c.id,
  });
  return (
    <table className="table queue">
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => {
              const sorted = h.column.getIsSorted();
              const label = flexRender(h.column.columnDef.header, h.getContext());
              return (
                <th key={h.id} className={`col-${h.column.id}`} aria-sort={h.column.getCanSort() ? (sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none') : undefined}>
                  {h.column.getCanSort() ? (
                    <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()} title={t('queue.sort.by', { col: t(`queue.cols.${h.column.id}`) })}>
                      {label}
                      <span aria-hidden="true" className="sort-mark">
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ' ↕'}
                      </span>
                    </button>
                  ) : (
                    label
                  )}
                </th>
              );
            })}
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

/** A case's next deadline as time left: red once breached, amber when warned, grey while paused. */
function TimeLeft({ d, now }: { d: NextDeadline | null; now: number }) {
  const { t, i18n } = useTranslation();
  if (!d) return <span className="muted">—</span>;
  const state = shownState(d, now);
  const target = t(`commitments.kinds.${d.kind}`, { defaultValue: d.kind });
  const text =
    state === 'paused'
      ? d.pausedMinutesLeft === null
        ? t('queue.deadline.paused')
        : t('queue.deadline.pausedLeft', { time: formatMinutes(d.pausedMinutesLeft, t) })
      : state === 'breached'
        ? t('queue.deadline.overdue', { time: formatMinutes((now - d.dueAt!) / 60_000, t) })
        : t('queue.deadline.left', { time: formatMinutes((d.dueAt! - now) / 60_000, t) });
  const title = d.dueAt === null ? target : t('queue.deadline.dueAt', { target, time: formatTime(d.dueAt, i18n.language) });
  return (
    <span className={`time-left time-left-${state}`} data-state={state} data-kind={d.kind} title={title}>
      <span className="time-left-target">{target}</span> {text}
    </span>
  );
}
