import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useAccount } from '../../lib/stores/account';
import { useStoryboard } from '../../lib/stores/storyboard';
import { serializeStoryboard } from '../../lib/storyboard';
import '../create/create.css';
import { EditorHeader } from './EditorHeader';
import { FormatOptions } from './FormatOptions';
import { collectIssues, IssueList } from './issues';
import { PromptPreview } from './PromptPreview';
import { SavedList } from './SavedList';
import { ShotList } from './ShotList';
import { StartImageField } from './StartImageField';
import { StoryboardNotice } from './StoryboardNotice';
import { SubmitBar } from './SubmitBar';
import { TimelineBar } from './TimelineBar';
import './storyboard.css';

function Instructions({ value, issues }: { value: string; issues: ReturnType<typeof collectIssues> }) {
  const edit = useStoryboard((s) => s.edit);
  return (
    <div class="field">
      <label class="field-label" for="sb-instructions">
        {t('storyboard.instructions')}
      </label>
      <textarea
        id="sb-instructions"
        rows={3}
        value={value}
        placeholder={t('storyboard.instructionsPlaceholder')}
        aria-describedby={['sb-instructions-hint', issues.length > 0 ? 'sb-instructions-issues' : '']
          .join(' ')
          .trim()}
        aria-invalid={issues.length > 0 ? true : undefined}
        onInput={(e) => {
          const instructions = e.currentTarget.value;
          edit((sb) => ({ ...sb, instructions }));
        }}
      />
      <span id="sb-instructions-hint" class="muted small">
        {t('storyboard.instructionsHint')}
      </span>
      <IssueList id="sb-instructions-issues" issues={issues} />
    </div>
  );
}

/** Side panel → Storyboard: shots with durations on a timeline, format, preview, saved boards, submit. */
export function StoryboardView({ onShowQueue }: { onShowQueue(): void }) {
  const start = useStoryboard((s) => s.start);
  const ready = useStoryboard((s) => s.ready);
  const draft = useStoryboard((s) => s.draft);
  const mentions = useStoryboard((s) => s.mentions);
  const submitting = useStoryboard((s) => s.submitting);
  const submit = useStoryboard((s) => s.submit);
  const isPro = useAccount((s) => s.snapshot?.plan?.isPro === true);
  useEffect(() => start(), [start]);

  const { storyboard, options, startImage } = draft;
  const issues = useMemo(
    () => collectIssues(storyboard, options, startImage, isPro),
    [storyboard, options, startImage, isPro],
  );
  const prompt = useMemo(() => serializeStoryboard(storyboard), [storyboard]);
  // "Shot 2 has no scene" is not news on a shot just added: beside the field it waits until the user has
  // left that field or tried to submit; the submit reason always names it.
  const [attempted, setAttempted] = useState(false);
  const [left, setLeft] = useState<ReadonlySet<string>>(() => new Set());
  const onSceneLeft = useCallback((id: string) => setLeft((s) => (s.has(id) ? s : new Set([...s, id]))), []);
  const shown = useMemo(
    () =>
      issues.filter(
        (i) =>
          i.code !== 'empty_scene' || attempted || left.has(storyboard.shots[i.shotIndex ?? -1]?.id ?? ''),
      ),
    [issues, attempted, left, storyboard],
  );
  const at = (...places: string[]) => shown.filter((i) => places.includes(i.place));

  if (!ready) return <p class="muted">{t('common.loading')}</p>;
  return (
    <div class="storyboard" data-testid="storyboard-view">
      <StoryboardNotice onShowQueue={onShowQueue} />
      <EditorHeader />
      <SavedList />
      <FormatOptions
        lengthS={storyboard.lengthS}
        options={options}
        isPro={isPro}
        issues={at('length', 'model', 'size')}
      />
      <TimelineBar storyboard={storyboard} issues={at('total')} />
      <ShotList
        storyboard={storyboard}
        issues={at('shots', 'shot')}
        mentions={mentions}
        onSceneLeft={onSceneLeft}
      />
      <Instructions value={storyboard.instructions} issues={at('instructions')} />
      <StartImageField image={startImage} issues={at('startImage')} />
      <PromptPreview prompt={prompt} />
      <SubmitBar
        issues={issues}
        shotIds={storyboard.shots.map((s) => s.id)}
        lengthS={storyboard.lengthS}
        shotCount={storyboard.shots.length}
        busy={submitting}
        onBlocked={() => setAttempted(true)}
        onSubmit={() => void submit(isPro)}
      />
    </div>
  );
}
