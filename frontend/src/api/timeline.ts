// GET /rounds/{id}/timeline: responses per time bucket and group, for the monitor.
import { api, call, type Schemas } from './client';

export type Timeline = Schemas['TimelineOut'];
export type TimelinePoint = Schemas['TimelinePointOut'];
/** The bucket lengths the API offers (days start at Beijing midnight). */
export type BucketMinutes = 10 | 60 | 1440;

export function getTimeline(id: number, bucketMinutes: BucketMinutes): Promise<Timeline> {
  return call(api.GET('/rounds/{id}/timeline', { params: { path: { id }, query: { bucket_minutes: bucketMinutes } } }));
}
