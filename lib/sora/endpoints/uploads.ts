/** Uploading a start image (image-to-video, image-to-image). */
import type { CallOptions, SoraHttp } from '../http';
import { type UploadResponse, UploadResponseSchema } from '../schemas';
import { requireNonEmpty } from './validate';

export interface UploadImageParams {
  /** image/png, image/jpeg or image/webp. */
  file: Blob;
  fileName: string;
}

/**
 * Uploads an image: `POST /uploads`, multipart `file` + `file_name` → `{id}`. The id goes into
 * `createVideo({uploadId})` or `createImage({uploadMediaId})`.
 */
export async function uploadImage(
  http: SoraHttp,
  params: UploadImageParams,
  opts: CallOptions = {},
): Promise<UploadResponse> {
  const fileName = requireNonEmpty(params.fileName, 'The file name');
  const form = new FormData();
  form.append('file', params.file, fileName);
  form.append('file_name', fileName);
  return http.request({ method: 'POST', path: '/uploads', form, schema: UploadResponseSchema, ...opts });
}
