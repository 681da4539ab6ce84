/** Shapes shared by the Create form, the batch importers and the validation. */
import type { MessageKey } from '../i18n';
import type { IMAGE_SIZES, Orientation, StyleId, VideoModel, VideoSize } from '../sora/quota';

export type CreateMode = 'video' | 'image';
export type RowKind = 'video' | 'image' | 'remix';
export type ImageSizeId = keyof typeof IMAGE_SIZES;

/** The form fields a message can belong to (also the ids of the form's controls). */
export type Field =
  | 'prompt'
  | 'import'
  | 'orientation'
  | 'seconds'
  | 'model'
  | 'size'
  | 'style'
  | 'remixTarget'
  | 'startImage'
  | 'imageSize'
  | 'variants'
  | 'batch';

/** Where in a batch a problem is: a typed line, or a line / item of an imported file. */
export interface IssueAt {
  line?: number;
  item?: number;
  file?: string;
}

/** A readable problem: a message key (shown through `t()`), its parameters, and the field it belongs to. */
export interface Issue<K extends MessageKey = MessageKey> {
  field: Field;
  key: K;
  params?: Record<string, string | number>;
  at?: IssueAt;
}

/**
 * One prompt of an imported batch with the columns it set; unset columns take the form's value. Values are
 * already checked and normalized (remix target as `s_…`).
 */
export interface BatchRow {
  prompt: string;
  at: IssueAt;
  kind?: RowKind;
  orientation?: Orientation;
  seconds?: number;
  model?: VideoModel;
  size?: VideoSize;
  style?: StyleId | null;
  remixTarget?: string;
  imageSize?: ImageSizeId;
}

export interface ImportedBatch {
  /** File name, shown to the user and in messages. */
  name: string;
  rows: BatchRow[];
}

/** What the form knows about a picked start image (the Blob itself stays in the page). */
export interface FileMeta {
  name: string;
  type: string;
  size: number;
  /**
   * The type its first bytes show (lib/util/file-type.ts): null when unrecognised, absent while not read.
   * The browser's `type` only follows the file name.
   */
  content?: string | null;
}

export interface CreateForm {
  mode: CreateMode;
  /** One prompt a line; otherwise the whole text is one prompt. */
  batch: boolean;
  text: string;
  imported: ImportedBatch | null;
  orientation: Orientation;
  /** 10, 15 or 25 (5 from imports). */
  seconds: number;
  model: VideoModel;
  size: VideoSize;
  style: StyleId | null;
  /** Optional: when set, video jobs become remixes of this post. */
  remixTarget: string;
  startImage: FileMeta | null;
  imageSize: ImageSizeId;
  variants: number;
}

export const DEFAULT_FORM: CreateForm = {
  mode: 'video',
  batch: true,
  text: '',
  imported: null,
  orientation: 'landscape',
  seconds: 10,
  model: 'sy_8',
  size: 'small',
  style: null,
  remixTarget: '',
  startImage: null,
  imageSize: 'square',
  variants: 1,
};
