// GET /rounds/{id}/timeline: responses per time bucket and group.
// TODO(timeline): switch to the typed client once the endpoint is in openapi.json.
import { call, type Group } from './client';

export interface TimelinePoint {
  /** RFC 3339 start of the bucket. */
  start: string;
  respondent_group: Group;
  valid: number;
  invalid: number;
}
export interface Timeline {
  round_id: number;
  bucket_minutes: number;
  /** Non-empty buckets only, by start. */
  points: TimelinePoint[];
}
export type BucketMinutes = 10 | 60 | 1440;

export function getTimeline(id: number, bucketMinutes: BucketMinutes): Promise<Timeline> {
  const request = fetch(`/api/rounds/${id}/timeline?bucket_minutes=${bucketMinutes}`, { credentials: 'same-origin' }).then(
    async (response) => {
      const body: unknown = await response.json().catch(() => undefined);
      return response.ok ? { data: body as Timeline, response } : { error: body, response };
    },
  );
  return call<Timeline>(request);
}
