import { t } from '../../lib/i18n';
import { Modal } from './Modal';

interface Props {
  title: string;
  body: string;
  confirm: string;
  onConfirm(): void;
  onCancel(): void;
}

/** "Delete …?". Cancel comes first, so the dialog focuses it and a stray Enter deletes nothing. */
export function ConfirmDialog({ title, body, confirm, onConfirm, onCancel }: Props) {
  return (
    <Modal labelledBy="sb-confirm-title" describedBy="sb-confirm-body" role="alertdialog" onClose={onCancel}>
      <h2 id="sb-confirm-title">{title}</h2>
      <p id="sb-confirm-body">{body}</p>
      <div class="sb-row sb-dialog-actions">
        <button type="button" class="btn" onClick={onCancel}>
          {t('storyboard.cancel')}
        </button>
        <button type="button" class="btn btn-danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
