// Small JSON API client for seeding data in browser tests.
export class Api {
  constructor(base, token = null) {
    this.base = base;
    this.token = token;
  }
  async call(method, path, body, expected = [200]) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'application/octet-stream' : 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) {
      throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    }
    try { return JSON.parse(text); } catch { return text; }
  }
  static async login(base, username, password) {
    const api = new Api(base);
    const body = await api.call('POST', '/api/auth/login', { username, password });
    return new Api(base, body.token);
  }
  /** Creates an account and logs in as it. */
  async accountWithRole(role, password = 'correct horse battery') {
    const username = `${role}${Math.floor(Math.random() * 1e6)}`;
    await this.call('POST', '/api/accounts', { username, role, password });
    return { username, password, api: await Api.login(this.base, username, password) };
  }
}
