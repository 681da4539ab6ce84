import { issueText } from '../../lib/create/messages';
import type { Issue } from '../../lib/create/types';
import { t } from '../../lib/i18n';

const SHOWN = 3;

/** The messages of one field, beside it; the control points here with aria-describedby. */
export function FieldIssues({ id, issues }: { id: string; issues: readonly Issue[] | undefined }) {
  if (!issues || issues.length === 0) return null;
  return (
    <div id={id} class="field-issues" data-testid={id}>
      {issues.slice(0, SHOWN).map((issue) => (
        <p key={issueText(issue)}>{issueText(issue)}</p>
      ))}
      {issues.length > SHOWN && <p>{t('create.moreIssues', { count: issues.length - SHOWN })}</p>}
    </div>
  );
}

/** aria-describedby / aria-invalid for a control whose messages render in `FieldIssues` with `id`. */
export function describedBy(id: string, issues: readonly Issue[] | undefined, hint?: string) {
  const ids = [hint, issues?.length ? id : undefined].filter(Boolean).join(' ');
  return {
    'aria-invalid': issues?.length ? true : undefined,
    'aria-describedby': ids === '' ? undefined : ids,
  } as const;
}
