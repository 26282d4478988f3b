// Shows an API error the way the API worded it (in Chinese).
import { ElMessage } from 'element-plus';
import { ApiError } from '../api/client';
import { t } from '../i18n';

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return t('common.unknownError');
}

export function showError(e: unknown): void {
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 });
}

/** True when the user dismissed a confirmation box (not an error). */
export function isCancel(e: unknown): boolean {
  return e === 'cancel' || e === 'close';
}
