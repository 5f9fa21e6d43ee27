'use client';

import { useState } from 'react';
import type { MapFinding, Severity } from '@/lib/api/identity-map-queries';
import { CommandBlock } from '@/components/shell/copy-button';
import type { PartlyReadSource, SourceLabel } from './map-model';

// Props-only: the findings grouped by severity, each with what is wrong, the nodes it is about
// (links that focus them) and the fix commands.

const GROUPS: Array<{ severity: Severity; title: string; badge: string }> = [
  { severity: 'error', title: 'Errors', badge: 'badge-error' },
  { severity: 'warning', title: 'Warnings', badge: 'badge-warn' },
  { severity: 'info', title: 'Info', badge: 'badge-info' },
];

/** Findings rendered per group before "Show all": thousands of findings stay a fast page. */
const FIRST_PAGE = 100;

interface Props {
  findings: MapFinding[];
  total: number;
  /** Sources that failed to read (`Azure`, `cluster`): no all-clear while one side is unread. */
  failedSources?: SourceLabel[];
  /** Sources that answered without part of what they read: no all-clear either. */
  partlyRead?: PartlyReadSource[];
  labelOf(id: string): string | undefined;
  hrefFor(id: string): string;
  onFocus(id: string): void;
}

export function FindingsList({ findings, total, failedSources = [], partlyRead = [], labelOf, hrefFor, onFocus }: Props) {
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  return (
    <section aria-labelledby="findings-title" className="stack map-findings">
      <h2 id="findings-title" className="m-0">
        Findings{' '}
        <span className="small muted">
          {findings.length === total ? total : `${findings.length} of ${total} (filtered)`}
        </span>
      </h2>
      {total === 0 &&
        (failedSources.length === 0 && partlyRead.length === 0 ? (
          <p className="callout callout-ok">No findings: every workload identity chain idlens can see is consistent.</p>
        ) : (
          <p className="callout callout-warn" data-testid="findings-partial">
            {notAllClear(failedSources, partlyRead)}
          </p>
        ))}
      {total > 0 && findings.length === 0 && <p className="muted">No finding concerns the nodes the filters keep.</p>}
      {GROUPS.map(({ severity, title, badge }) => {
        const group = findings.filter((f) => f.severity === severity);
        if (group.length === 0) return null;
        const shown = expanded[severity] ? group : group.slice(0, FIRST_PAGE);
        return (
          <section key={severity} aria-labelledby={`findings-${severity}`} data-severity={severity}>
            <h3 id={`findings-${severity}`}>
              {title} <span className={`badge ${badge}`}>{group.length}</span>
            </h3>
            <ul className="map-finding-list">
              {shown.map((f, i) => (
                <li key={`${f.code}:${f.refs.join(',')}:${i}`} className="map-finding" data-code={f.code}>
                  <FindingBody finding={f} labelOf={labelOf} hrefFor={hrefFor} onFocus={onFocus} />
                </li>
              ))}
            </ul>
            {group.length > shown.length && (
              <button type="button" onClick={() => setExpanded((e) => ({ ...e, [severity]: true }))}>
                Show all {group.length} {title.toLowerCase()}
              </button>
            )}
          </section>
        );
      })}
    </section>
  );
}

/** Entries of a source's `missing` named in the findings' callout; the rest are counted (the source callout lists them all). */
const MISSING_NAMED = 2;

/** Why zero findings is not an all-clear: what failed or was not read is not analysed. */
function notAllClear(failed: SourceLabel[], partlyRead: PartlyReadSource[]): string {
  const clauses: string[] = [];
  if (failed.length > 0) {
    const names = failed.join(' and ');
    clauses.push(`the ${names} source failed, so the ${names} side of every chain is not analysed, and findings that need it cannot appear`);
  }
  for (const { source, missing } of partlyRead) {
    const n = missing.length;
    const named = missing.slice(0, MISSING_NAMED).join('; ');
    const what = n === 1 ? named : `${n} items (${named}${n > MISSING_NAMED ? `; and ${n - MISSING_NAMED} more` : ''})`;
    clauses.push(`the ${source} source could not read ${what}, so what ${n === 1 ? 'it holds' : 'they hold'} is not analysed`);
  }
  const fics = partlyRead.some((p) => p.source === 'Azure')
    ? ' Federated credential findings were not computed for identities whose federated credentials could not be read: for those, no finding means unknown, not fine.'
    : '';
  return `No findings in what could be read, but this is not an all-clear: ${clauses.join('; ')}.${fics}`;
}

export function FindingBody({ finding, labelOf, hrefFor, onFocus }: { finding: MapFinding } & Pick<Props, 'labelOf' | 'hrefFor' | 'onFocus'>) {
  const badge = finding.severity === 'error' ? 'badge-error' : finding.severity === 'warning' ? 'badge-warn' : 'badge-info';
  return (
    <div className="stack map-finding-body">
      <div className="row">
        <span className={`badge ${badge}`}>{finding.severity}</span>
        <code className="small">{finding.code}</code>
      </div>
      <p className="m-0">{finding.message}</p>
      {finding.refs.length > 0 && (
        <p className="small m-0">
          About:{' '}
          {finding.refs.map((ref, i) => (
            <span key={ref}>
              {i > 0 && ', '}
              <a
                href={hrefFor(ref)}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onFocus(ref);
                }}
              >
                {labelOf(ref) ?? ref}
              </a>
            </span>
          ))}
        </p>
      )}
      {finding.fix && (
        <div className="stack map-fix">
          <p className="small m-0">
            <strong>Fix:</strong> {finding.fix.description}
          </p>
          {finding.fix.commands.map((command, i) => (
            <CommandBlock key={i} command={command} />
          ))}
        </div>
      )}
    </div>
  );
}
