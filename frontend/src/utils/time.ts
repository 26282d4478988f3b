// Times are shown and entered in Beijing time (Asia/Shanghai), whatever the
// time zone of the office PC.
import { locale } from '../i18n';

const ZONE = 'Asia/Shanghai';
const PARTS: Intl.DateTimeFormatOptions = {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
};

/** "2026/11/01 08:00" (zh) or "01/11/2026, 08:00" (en), Beijing time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale.value === 'en' ? 'en-GB' : 'zh-CN', PARTS).format(new Date(iso));
}

/** The value a date picker shows ("YYYY-MM-DD HH:mm"), in Beijing time. */
export function toPicker(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', PARTS).formatToParts(new Date(iso));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '00';
  const hour = get('hour') === '24' ? '00' : get('hour');
  return `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}`;
}

/** A picker value ("YYYY-MM-DD HH:mm", Beijing time) as an RFC 3339 instant. */
export function fromPicker(value: string): string {
  return `${value.replace(' ', 'T')}:00+08:00`;
}

/** Beijing midnight `days` from now, as a picker value. */
export function pickerDaysFromNow(days: number, hour = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${toPicker(d.toISOString()).slice(0, 10)} ${String(hour).padStart(2, '0')}:00`;
}

const CLOCK: Intl.DateTimeFormatOptions = { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false };
/** "14:05:09", Beijing time. */
export function formatClock(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', CLOCK).format(d);
}

/** A time bucket's start: "11-03" for day buckets, "11-03 14:00" otherwise (Beijing time). */
export function formatBucket(iso: string, bucketMinutes: number): string {
  const p = toPicker(iso);
  return bucketMinutes >= 1440 ? p.slice(5, 10) : p.slice(5);
}
