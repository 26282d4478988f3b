// The typed API client: openapi-fetch over the types generated from renke's
// OpenAPI spec (openapi.json → generated/schema.d.ts), so a changed API breaks the
// console's build instead of its users.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../generated/schema';

export type Schemas = components['schemas'];
export type Account = Schemas['AccountOut'];
export type Role = Schemas['RoleDto'];
export type Group = Schemas['GroupDto'];
export type School = Schemas['SchoolOut'];
export type SchoolIn = Schemas['SchoolIn'];
export type SchoolKind = Schemas['SchoolKindDto'];
export type Location = Schemas['LocationDto'];
export type Round = Schemas['RoundOut'];
export type RoundIn = Schemas['RoundIn'];
export type RoundSummary = Schemas['RoundSummary'];
export type RoundStatus = Schemas['RoundStatusDto'];
export type Purpose = Schemas['PurposeDto'];
export type Formula = Schemas['FormulaDto'];
export type Scale = Schemas['ScaleDto'];
export type Reading = Schemas['ReadingDto'];
export type DuplicatePolicy = Schemas['DuplicatePolicyDto'];
export type Questionnaire = Schemas['QuestionnaireDto'];
export type Item = Schemas['ItemDto'];
export type County = Schemas['CountyDto'];
export type Region = Schemas['RegionOut'];
export type RegionLevel = Schemas['RegionLevel'];
export type Link = Schemas['LinkOut'];
export type Links = Schemas['LinksOut'];
export type Report = Schemas['RoundReportOut'];
export type SensitivityRow = Schemas['SensitivityRowOut'];
export type RoundLanguages = Schemas['LanguagesDto'];
export type RoundLanguage = Schemas['LanguageDto'];
export type Assessment = Schemas['AssessmentOut'];
export type AssessmentIn = Schemas['AssessmentIn'];
export type AssessmentComparison = Schemas['AssessmentComparisonOut'];
export type CountyPart = Schemas['CountyPartOut'];
export type CountyRow = Schemas['CountyRowOut'];
export type SchoolBelow = Schemas['SchoolBelowOut'];
type ErrorBody = Schemas['ErrorBody'];
/** The closed list of codes an error answer carries (the spec's `ErrorCode`). */
export type ErrorCode = Schemas['ErrorCode'];

/** An error answer of the API (`{code, message, field, details}`), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's code, or `network` / `http_error` when no error body arrived. */
    readonly code: ErrorCode | 'network' | 'http_error',
    message: string,
    readonly field?: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** Called when a request finds the session gone (401), except on login itself. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const sessionWatch: Middleware = {
  onResponse({ request, response }) {
    const url = new URL(request.url);
    if (response.status === 401 && !url.pathname.endsWith('/auth/login') && !url.pathname.endsWith('/auth/me')) {
      onUnauthorized();
    }
    return undefined;
  },
};

/** The session travels in renke's HttpOnly cookie, so no token is kept in scripts. */
export const api = createClient<paths>({ baseUrl: '/api', credentials: 'same-origin' });
api.use(sessionWatch);

function isErrorBody(e: unknown): e is ErrorBody {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/**
 * Awaits a client call and returns its data, or throws an ApiError carrying
 * the API's Chinese message.
 */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const { data, error, response } = result;
  if (error !== undefined || !response.ok) {
    if (isErrorBody(error)) {
      throw new ApiError(response.status, error.code, error.message, error.field ?? undefined, error.details ?? []);
    }
    throw new ApiError(response.status, 'http_error', `请求失败（HTTP ${response.status}）`);
  }
  return data as T;
}
