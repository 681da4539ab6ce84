/** Issues as sentences, with their place in the batch ("prompts.csv, line 4: …"). */
import { t } from '../i18n';
import type { Issue } from './types';

export function issueText(issue: Issue): string {
  const message = t(issue.key, issue.params);
  const at = issue.at;
  if (!at) return message;
  if (at.file !== undefined && at.line !== undefined) {
    return t('create.at.fileLine', { file: at.file, line: at.line, message });
  }
  if (at.file !== undefined && at.item !== undefined) {
    return t('create.at.fileItem', { file: at.file, item: at.item, message });
  }
  if (at.file !== undefined) return t('create.at.file', { file: at.file, message });
  if (at.line !== undefined) return t('create.at.line', { line: at.line, message });
  return message;
}

/** "1.5 MB" style sizes for file limits. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}
