import { useMemo, useState } from 'preact/hooks';
import { appendMention, withMentions } from '../../lib/characters/mention';
import { buildBatch, issuesByField } from '../../lib/create/build';
import {
  type CreateForm,
  DEFAULT_FORM,
  type Field,
  type ImportedBatch,
  type Issue,
} from '../../lib/create/types';
import { t } from '../../lib/i18n';
import { type SerializedError, toSerializedError } from '../../lib/sora/errors';
import { useAccount } from '../../lib/stores/account';
import { useRemixIntent } from '../../lib/stores/intent';
import { useJobs } from '../../lib/stores/jobs';
import { useMentionInbox } from '../../lib/stores/mention';
import { typeOfContent } from '../../lib/util/file-type';
import { ErrorNotice } from '../ErrorNotice';
import { EnhancePrompt } from '../enhance/EnhancePrompt';
import { ImageOptions } from './ImageOptions';
import { ImportControl } from './ImportControl';
import { PromptEntry } from './PromptEntry';
import { RemixField } from './RemixField';
import { RemixPreview } from './RemixPreview';
import { StartImagePicker } from './StartImagePicker';
import { SubmitBar } from './SubmitBar';
import { VideoOptions } from './VideoOptions';
import './create.css';

/**
 * The files store, loaded only when a picked start image is to be kept: IndexedDB's library is no part of
 * the side panel's first paint (the panel opens on this view).
 */
const files = () => import('../../lib/stores/files');

/** The control that shows each field's messages, to move focus to the first problem. */
const CONTROL_OF: Partial<Record<Field, string>> = {
  prompt: 'create-prompt',
  import: 'create-import',
  seconds: 'create-seconds',
  model: 'create-model',
  size: 'create-size',
  remixTarget: 'create-remix',
  startImage: 'create-start-image',
  variants: 'create-variants',
};

function ModeSwitch({
  mode,
  onChange,
}: {
  mode: CreateForm['mode'];
  onChange(mode: CreateForm['mode']): void;
}) {
  return (
    <fieldset class="field">
      <legend>{t('create.mode')}</legend>
      <div class="segmented">
        {(['video', 'image'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="create-mode" checked={mode === m} onChange={() => onChange(m)} />
            {t(`create.mode.${m}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Side panel → Create: prompts (typed or imported) and options → one batch of jobs. */
export function CreateView({ onShowQueue }: { onShowQueue(): void }) {
  const isPro = useAccount((s) => s.snapshot?.plan?.isPro === true);
  const enqueue = useJobs((s) => s.enqueue);
  const [form, setForm] = useState<CreateForm>(DEFAULT_FORM);
  const [file, setFile] = useState<File | null>(null);
  const [importIssue, setImportIssue] = useState<Issue | null>(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [sendError, setSendError] = useState<SerializedError | null>(null);

  const plan = useMemo(() => buildBatch(form, { isPro }), [form, isPro]);
  const issues = useMemo(
    () => (importIssue ? [importIssue, ...plan.issues] : plan.issues),
    [importIssue, plan],
  );
  const byField = issuesByField(issues);
  // "Write a prompt first" is not news on an untouched form: it shows beside the field once the user has
  // been there, and always as the reason on the button.
  const promptIssues = touched
    ? byField.prompt
    : byField.prompt?.filter((i) => i.key !== 'create.error.promptEmpty');

  const update = (patch: Partial<CreateForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDone(null);
    setSendError(null);
  };
  // A "Remix this" click (lib/stores/intent.ts): video mode with that post as the remix target.
  useRemixIntent((intent) => update({ mode: 'video', remixTarget: intent.remixTarget }));
  // "Use in a prompt" from Characters: `@username` into the prompt; its id goes in cameo_ids on submit.
  const mentions = useMentionInbox('create', (m) => {
    update({ mode: 'video' });
    setForm((f) => ({ ...f, text: appendMention(f.text, m.username) }));
    requestAnimationFrame(() => document.getElementById('create-prompt')?.focus());
  });

  async function submit() {
    setTouched(true);
    if (busy) return;
    const first = issues[0];
    if (first) {
      const id = CONTROL_OF[first.field];
      if (id) document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    let fileId: string | null = null;
    try {
      if (file && form.mode === 'video' && plan.counts.video > 0) {
        fileId = await (await files()).stashFile(file, file.name);
      }
      const final = buildBatch(form, { isPro, ...(fileId ? { startImage: { fileId } } : {}) });
      if (final.issues.length > 0 || final.inputs.length === 0) return;
      const jobs = await enqueue(withMentions(final.inputs, mentions));
      fileId = null;
      setDone(jobs.length);
      setForm((f) => ({ ...f, text: '', imported: null, startImage: null, remixTarget: '' }));
      setFile(null);
      setTouched(false);
    } catch (e) {
      setSendError(toSerializedError(e));
    } finally {
      // Not queued: the stored picture would otherwise stay in IndexedDB with no job to clear it.
      if (fileId) {
        const stale = fileId;
        void files().then((f) => f.dropFile(stale));
      }
      setBusy(false);
    }
  }

  return (
    <form
      class="create"
      aria-label={t('nav.create')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ModeSwitch mode={form.mode} onChange={(mode) => update({ mode })} />
      <PromptEntry
        form={form}
        issues={promptIssues}
        onChange={update}
        onBlur={() => form.text !== '' && setTouched(true)}
        onSubmit={() => void submit()}
      >
        <EnhancePrompt
          id="create-enhance"
          fieldId="create-prompt"
          text={form.text}
          seconds={form.seconds}
          buttonLabel={t('enhance.create.button')}
          suggestionLabel={t('enhance.create.suggestion')}
          disabledReason={
            form.batch
              ? t('enhance.disabled.batch')
              : form.mode !== 'video'
                ? t('enhance.disabled.image')
                : null
          }
          onReplace={(text) => update({ text })}
        />
      </PromptEntry>
      <ImportControl
        imported={form.imported}
        issues={byField.import}
        onImported={(batch: ImportedBatch | null, issue) => {
          update({ imported: batch });
          setImportIssue(issue);
        }}
      />
      {form.mode === 'video' ? (
        <>
          <VideoOptions form={form} isPro={isPro} issues={byField} onChange={update} />
          <StartImagePicker
            file={file}
            issues={byField.startImage}
            onChange={async (picked) => {
              // Judged by its bytes too: a video renamed .png must not pass as a picture.
              const content = picked ? await typeOfContent(picked).catch(() => null) : null;
              setFile(picked);
              update({
                startImage: picked
                  ? { name: picked.name, type: picked.type, size: picked.size, content }
                  : null,
              });
            }}
          />
          <RemixField
            value={form.remixTarget}
            issues={byField.remixTarget}
            onChange={(remixTarget) => update({ remixTarget })}
          />
          <RemixPreview target={form.remixTarget} />
        </>
      ) : (
        <ImageOptions form={form} issues={byField} onChange={update} />
      )}
      {sendError && <ErrorNotice error={sendError} />}
      <SubmitBar plan={plan} blocker={issues[0] ?? null} busy={busy} done={done} onShowQueue={onShowQueue} />
    </form>
  );
}
