import { randomUUID } from 'node:crypto';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One user's view of the API through the gateway, keeping the session cookie like a browser. */
export class ApiClient {
  private cookie = '';
  readonly email = `user-${randomUUID()}@example.com`;
  id = '';

  constructor(private readonly baseUrl: string) {}

  async request<T = any>(method: string, url: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers.get('set-cookie');
    const session = setCookie?.match(/session=([^;]*)/);
    if (session) this.cookie = session[1] ? `session=${session[1]}` : '';
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  async signUp(): Promise<this> {
    const res = await this.request('POST', '/api/users/signup', {
      email: this.email,
      password: 'a good long password',
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.id = res.body.id;
    return this;
  }
}
